/**
 * The runbook's step 7 after a fix: "do the workers start cleanly now?" must not be answered with the
 * incident's own log lines. With logsSince, only what a container logged after that moment counts.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { createDockerInstanceSource } from '../../../src/probes/docker/docker-instance-source.js';
import { dockerSkipReason } from '../../helpers/docker-engine.js';
import { TestContainers, waitForLog } from '../../helpers/php-app-containers.js';
import { dockerConfig } from './fixtures.js';

const skip = await dockerSkipReason();

describe.skipIf(skip !== null)('log lines since an action (real engine)', () => {
  const containers = new TestContainers();
  afterAll(() => containers.removeAll());

  it('counts only what was logged after the moment given; without it, the whole window', async () => {
    // Logs the incident, then waits for /tmp/go before logging a clean worker start.
    const app = await containers.startCommand({
      name: 'php_swoole_app_new',
      cmd: ['sh', '-c', 'echo "Worker #0 starting"; echo "FATAL: sorry, too many clients already" >&2; while [ ! -e /tmp/go ]; do sleep 0.05; done; echo "Worker #1 starting"; sleep 3600'],
    });
    await waitForLog(app.container, /too many clients/, 1, 10_000);
    await new Promise((r) => setTimeout(r, 20));
    const actedAt = new Date();
    const exec = await app.container.exec({ Cmd: ['touch', '/tmp/go'], AttachStdout: true, AttachStderr: true });
    (await exec.start({ Detach: false, Tty: false })).resume();
    await waitForLog(app.container, /Worker #1 starting/, 1, 10_000);

    const config = dockerConfig(containers);
    const source = createDockerInstanceSource(config.docker.hosts[0], config, silentLogger());
    const logsOf = async (logsSince?: Date) => (await source.observe(undefined, { logsSince })).instances[0]?.logs;
    const since = await logsOf(actedAt);
    expect(since?.since).toBe(actedAt.toISOString());
    expect(since?.workerStarts.count).toBe(1);
    expect(since?.serverFull.reduce((n, p) => n + p.count, 0)).toBe(0);
    const whole = await logsOf();
    expect(whole?.workerStarts.count).toBe(2);
    expect(whole?.serverFull.reduce((n, p) => n + p.count, 0)).toBe(1);
  });
});
