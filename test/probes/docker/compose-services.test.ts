/**
 * Issue #13 with Compose: containers labelled as `docker compose up` labels them, holding real
 * connections. `docker stop` is the right fix for a Compose container, but the report must say
 * that `compose up` starts it again and show the compose lines to change; a bare container whose
 * restart policy is `always` is stopped as well, with the note that a daemon restart brings it back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCommand } from '../../../src/commands/command-table.js';
import { parseCommandLine } from '../../../src/commands/parse-command-line.js';
import { loadConfig, type Config } from '../../../src/config.js';
import { silentLogger } from '../../../src/logger.js';
import { renderText } from '../../../src/render/text.js';
import { createServices, type Services } from '../../../src/services.js';
import { dockerSkipReason, testEngineAddress } from '../../helpers/docker-engine.js';
import { dbDsn, phpSkipReason, TestContainers, type StartedContainer } from '../../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';

const skip = await dockerSkipReason(phpSkipReason);
const operator = { kind: 'cli' as const, id: 'oncall' };

describe.skipIf(skip !== null)('Compose services and restart policies (real engine)', () => {
  let pg: TestPostgres;
  const containers = new TestContainers();
  let config: Config;
  let services: Services;
  let legacy: StartedContainer;
  let old: StartedContainer;
  let fresh: StartedContainer;
  const project = `${containers.prefix}madras`;
  const composeFile = '/srv/madras/docker-compose.yml';

  /** The labels Compose v2 sets on a service's container. */
  const composeLabels = (service: string) => ({
    'com.docker.compose.project': project,
    'com.docker.compose.service': service,
    'com.docker.compose.container-number': '1',
    'com.docker.compose.oneoff': 'False',
    'com.docker.compose.project.config_files': composeFile,
    'com.docker.compose.project.working_dir': '/srv/madras',
    'com.docker.compose.version': '2.29.7',
  });

  beforeAll(async () => {
    pg = await startPostgres({ maxConnections: 40 });
    const env = { DB_POOL_SIZE: '2', SWOOLE_WORKER_NUM: '2', DB_DSN: dbDsn(pg) };
    legacy = await containers.startApp({ name: 'php_swoole_app_legacy', env, restartPolicy: 'always' });
    await new Promise((r) => setTimeout(r, 1100)); // distinct creation times
    old = await containers.startApp({ name: 'php_swoole_app-1', env, labels: composeLabels('php_swoole_app') });
    await new Promise((r) => setTimeout(r, 1100));
    fresh = await containers.startApp({ name: 'php_swoole_app_new-1', env, labels: composeLabels('php_swoole_app_new') });
    config = loadConfig({
      DATABASE_URL: pg.url(),
      DBPOOL_INSTANCE_SOURCE: 'docker',
      DBPOOL_DOCKER_HOSTS: testEngineAddress(),
      APP_CONTAINER_PATTERN: containers.pattern(),
      DBPOOL_STOP_GRACE_SECONDS: '3',
      DBPOOL_PROBE_TIMEOUT_MS: '10000',
      DBPOOL_LOG_LEVEL: 'silent',
    });
    services = await createServices(config, silentLogger(), { stateFile: ':memory:', metrics: false });
  });
  afterAll(async () => {
    await services?.close();
    await containers.removeAll();
    await pg?.stop();
  });

  it('names the Compose services, stops the older containers and says what would start them again, with the lines to change', async () => {
    const report = await services.diagnoser!.diagnose('status');
    expect(report.services.map((g) => [g.kind, g.name, g.running, g.compose?.configFiles])).toEqual([
      ['compose', 'php_swoole_app', 1, [composeFile]],
      ['compose', 'php_swoole_app_new', 1, [composeFile]],
    ]);
    expect(report.stopCandidates.map((c) => [c.name, c.restartPolicy ?? null, c.compose?.service ?? null, c.scale ?? null])).toEqual([
      [legacy.name, 'always', null, null],
      [old.name, null, 'php_swoole_app', null],
    ]);
    const stop = report.recommendations.find((r) => r.code === 'stop_extra_instances');
    expect(stop?.commands.map((c) => c.text)).toEqual([
      `docker update --restart=no ${legacy.name}`,
      `docker stop ${legacy.name}`,
      `docker stop ${old.name}`,
      `# ${composeFile} (project ${project}): or remove the service\nservices:\n  php_swoole_app:\n    scale: 0`,
    ]);
    expect(report.recommendations.some((r) => r.code === 'scale_down_service')).toBe(false);
    const text = renderText(report, { lang: 'en' });
    expect(text).toContain(`Compose service php_swoole_app: 1 running`);
    expect(text).toContain(`${old.name} belongs to Compose project ${project}: \`docker compose up\` starts it again unless its service php_swoole_app is changed in ${composeFile}`);
    expect(text).toContain(`${legacy.name}: restart policy always, so a restart of the Docker daemon starts it again`);
    expect(text).toContain('restart policy always: a restart of the Docker daemon starts it again even after a stop');
    const fa = renderText(report, { lang: 'fa' });
    expect(fa).toContain('سرویس Compose');
    expect(fa).toContain('docker compose up');

    const planned = await prepareCommand(parseCommandLine(['stop-extra'])).run({ ...services.context, requester: operator });
    if (planned.kind !== 'plan') throw new Error(`expected a plan: ${JSON.stringify(planned)}`);
    const result = await services.remediation!.approve(planned.plan.id, operator);
    expect(result.ok && result.outcome.action === 'stop_extra' && result.outcome.instances.map((i) => [i.name, i.outcome])).toEqual([
      [legacy.name, 'stopped'],
      [old.name, 'stopped'],
    ]);
    expect(result.ok && result.undo).toBeUndefined();
    const state = async (c: StartedContainer) => (await c.container.inspect()).State;
    expect((await state(legacy)).Running).toBe(false);
    expect((await state(old)).Running).toBe(false);
    expect((await state(fresh)).Running).toBe(true);
  });
});
