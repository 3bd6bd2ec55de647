/** A container with a 100,000+ line log: only the tail is read, and the counts come from it. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerSkipReason } from '../../helpers/docker-engine.js';
import { dbDsn, phpSkipReason, TestContainers, waitForLog } from '../../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { dockerConfig, observe } from './fixtures.js';

const skip = await dockerSkipReason(phpSkipReason);
const FILLER = 120_000;
const TAIL = 500;

describe.skipIf(skip !== null)('a long container log (real engine)', () => {
  let pg: TestPostgres;
  const containers = new TestContainers();

  beforeAll(async () => {
    pg = await startPostgres();
  });
  afterAll(async () => {
    await containers.removeAll();
    await pg?.stop();
  });

  it(`reads at most the last ${TAIL} of ${FILLER.toLocaleString('en')}+ lines and still finds the worker starts`, async () => {
    const app = await containers.startApp({
      name: 'php_swoole_app_new',
      env: { DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '3', APP_LOG_FILLER: String(FILLER), DB_DSN: dbDsn(pg) },
      readyTimeoutMs: 60_000,
    });
    // The filler really is in the log.
    await waitForLog(app.container, new RegExp(`request ${FILLER} handled`), 1, 5_000).catch(async () => {
      const all = (await app.container.logs({ stdout: true, stderr: true, follow: false, tail: 'all' as unknown as number })) as Buffer;
      throw new Error(`filler missing; log is ${all.length} bytes`);
    });

    const obs = await observe(dockerConfig(containers, { APP_LOG_TAIL_LINES: String(TAIL) }));
    const logs = obs.instances[0]?.logs;
    expect(logs?.linesRead).toBeGreaterThan(0);
    expect(logs?.linesRead).toBeLessThanOrEqual(TAIL);
    expect(logs?.workerStarts.count).toBe(3);
    expect(Date.parse(logs?.since ?? '')).toBeLessThan(Date.now() - 59 * 60_000);
  });
});
