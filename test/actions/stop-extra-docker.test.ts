/**
 * The runbook's fix 3 on a real engine: the old php_swoole_app beside php_swoole_app_new is stopped
 * after an approval; the newest is never stopped, nor a container outside the match.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prepareCommand } from '../../src/commands/command-table.js';
import { parseCommandLine } from '../../src/commands/parse-command-line.js';
import { loadConfig, type Config } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createDockerStopper } from '../../src/probes/docker/docker-stopper.js';
import { createServices, type Services } from '../../src/services.js';
import { dockerSkipReason, testEngineAddress } from '../helpers/docker-engine.js';
import { dbDsn, phpSkipReason, TestContainers, type StartedContainer } from '../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { startConnectionDroppingEngine } from '../helpers/reliability-engine.js';

const skip = await dockerSkipReason(phpSkipReason);
const operator = { kind: 'cli' as const, id: 'oncall' };

describe.skipIf(skip !== null)('stop extra instances on a real engine', () => {
  let pg: TestPostgres;
  const containers = new TestContainers();
  let config: Config;
  let services: Services;
  let old: StartedContainer;
  let fresh: StartedContainer;
  let outsider: StartedContainer;

  beforeAll(async () => {
    pg = await startPostgres({ maxConnections: 40 });
    const env = { DB_POOL_SIZE: '2', SWOOLE_WORKER_NUM: '2', DB_DSN: dbDsn(pg) };
    old = await containers.startApp({ name: 'php_swoole_app', env });
    await new Promise((r) => setTimeout(r, 1100)); // distinct creation times
    fresh = await containers.startApp({ name: 'php_swoole_app_new', env });
    outsider = await containers.startCommand({ name: 'redis_cache', cmd: ['sleep', '100000'] });
    config = loadConfig({
      DATABASE_URL: pg.url(),
      DBPOOL_INSTANCE_SOURCE: 'docker',
      DBPOOL_DOCKER_HOSTS: testEngineAddress(),
      APP_CONTAINER_PATTERN: containers.pattern(),
      DBPOOL_STOP_GRACE_SECONDS: '3',
      DBPOOL_PROBE_TIMEOUT_MS: '10000',
      DBPOOL_LOG_LEVEL: 'silent',
    });
    services = await createServices(config, silentLogger(), { stateFile: ':memory:' });
  });
  afterAll(async () => {
    await services?.close();
    await containers.removeAll();
    await pg?.stop();
  });

  const running = async (c: StartedContainer) => (await c.container.inspect()).State.Running;

  // Each test starts from the incident: the old and the new instance and the outsider all running.
  beforeEach(async () => {
    for (const c of [old, fresh, outsider]) if (!(await running(c))) await c.container.start();
  });
  const ctx = () => ({ ...services.context, requester: operator });

  async function plan() {
    const result = await prepareCommand(parseCommandLine(['stop-extra'])).run(ctx());
    if (result.kind !== 'plan') throw new Error(`expected a plan, got ${JSON.stringify(result)}`);
    return result.plan;
  }

  it('plans only the older instance, and stops exactly it after the approval', async () => {
    const p = await plan();
    expect(p.action === 'stop_extra' && p.candidates.map((c) => c.name)).toEqual([old.name]);
    const result = await services.remediation!.approve(p.id, operator);
    expect(result.ok && result.outcome).toEqual({ action: 'stop_extra', instances: [{ id: old.id, name: old.name, outcome: expect.stringMatching(/^(stopped|killed)$/) }] });
    expect(await running(old)).toBe(false);
    expect(await running(fresh)).toBe(true);
    expect(await running(outsider)).toBe(true);
  });

  it('with one instance left there is nothing to stop, and a stale plan never stops the last one', async () => {
    await old.container.stop({ t: 1 });
    const nothing = await prepareCommand(parseCommandLine(['stop-extra'])).run(ctx());
    expect(nothing).toEqual({ kind: 'refused', refusal: { ok: false, reason: 'nothing_to_do' } });

    // A plan made while two ran; the old one is restarted, then the new one dies before the click.
    await old.container.start();
    const stale = await plan();
    await fresh.container.stop({ t: 1 });
    const result = await services.remediation!.approve(stale.id, operator);
    expect(result.ok && result.outcome).toMatchObject({ instances: [{ name: old.name, outcome: 'refused', reason: 'below_expected' }] });
    expect(await running(old)).toBe(true);
    expect(await running(outsider)).toBe(true);
  });

  it('never stops a container outside the match, even if asked by id', async () => {
    const stopper = createDockerStopper(config);
    const outcome = await stopper.stop(
      { id: outsider.id, name: outsider.name, source: 'docker', location: testEngineAddress(), createdAt: undefined },
      1,
    );
    expect(outcome).toMatchObject({ outcome: 'refused', reason: 'not_app', detail: outsider.name });
    expect(await running(outsider)).toBe(true);
  });

  it('after the engine dropped the pooled connections (a restart), the stop reconnects and happens', async () => {
    const engine = await startConnectionDroppingEngine();
    try {
      const behind = loadConfig({ DBPOOL_DOCKER_HOSTS: engine.address, APP_CONTAINER_PATTERN: containers.pattern() });
      const stopper = createDockerStopper(behind);
      const at = (c: StartedContainer) => ({ id: c.id, name: c.name, source: 'docker' as const, location: engine.address, createdAt: undefined });
      expect(await stopper.stop(at(outsider), 1)).toMatchObject({ outcome: 'refused' }); // a pooled connection now
      engine.dropOpenConnections();
      // Stopped within the one-second grace, or killed after it (an app still starting may not hear SIGTERM in time).
      expect(['stopped', 'killed']).toContain((await stopper.stop(at(old), 1)).outcome);
      expect(engine.dropped).toBeGreaterThan(0);
      expect(await running(old)).toBe(false);
      expect(await running(outsider)).toBe(true);
      await old.container.start();
    } finally {
      await engine.close();
    }
  });

  it('an engine that is down gives a clear error naming it, and nothing else happens', async () => {
    const down = loadConfig({ DBPOOL_DOCKER_HOSTS: 'unix:///nonexistent/docker.sock', APP_CONTAINER_PATTERN: containers.pattern() });
    const outcome = await createDockerStopper(down).stop(
      { id: old.id, name: old.name, source: 'docker', location: 'unix:///nonexistent/docker.sock', createdAt: undefined },
      1,
    );
    expect(outcome).toMatchObject({ outcome: 'error', reason: 'failed', detail: expect.stringContaining('nonexistent/docker.sock') });
    expect(await running(old)).toBe(true);
  });
});
