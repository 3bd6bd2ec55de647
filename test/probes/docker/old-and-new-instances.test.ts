/**
 * The typical incident: the old php_swoole_app still running beside php_swoole_app_new after a
 * deploy, doubling the connections until PostgreSQL refuses them. dbpool must name both, measure
 * each one's workers x pool, order them by creation, and see the refusals in the new one's log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computePoolMath, instanceDemand } from '../../../src/core/pool-math.js';
import { findStopCandidates } from '../../../src/core/stop-candidates.js';
import { dockerSkipReason } from '../../helpers/docker-engine.js';
import { dbDsn, phpSkipReason, TestContainers } from '../../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { byRole, dockerConfig, observe } from './fixtures.js';

const skip = await dockerSkipReason(phpSkipReason);

describe.skipIf(skip !== null)('old + new instances doubling the demand (real engine)', () => {
  let pg: TestPostgres;
  const containers = new TestContainers();
  const MAX_CONNECTIONS = 20;
  const RESERVED = 3;

  beforeAll(async () => {
    pg = await startPostgres({ maxConnections: MAX_CONNECTIONS, superuserReserved: RESERVED });
    const admin = await pg.admin();
    try {
      // The app is not a superuser, so the reserved slots stay free for the admin below.
      await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
    } finally {
      await admin.end();
    }
  });
  afterAll(async () => {
    await containers.removeAll();
    await pg?.stop();
  });

  it('names both, measures 4 workers x 3 each, orders them by creation and sees the refusals', async () => {
    const dsn = dbDsn({ ...pg, user: 'app', password: 'app' });
    const env = { DB_POOL_SIZE: '3', SWOOLE_WORKER_NUM: '4', DB_DSN: dsn };
    const old = await containers.startApp({ name: 'php_swoole_app', env });
    const fresh = await containers.startApp({ name: 'php_swoole_app_new', env });

    const obs = await observe(dockerConfig(containers));
    expect(obs.ok).toBe(true);
    const instances = [...obs.instances].sort((a, b) => Date.parse(a.createdAt ?? '') - Date.parse(b.createdAt ?? ''));
    expect(instances.map((i) => i.name)).toEqual([old.name, fresh.name]);
    expect(Date.parse(instances[0]?.createdAt ?? '')).toBeLessThan(Date.parse(instances[1]?.createdAt ?? ''));
    for (const inst of instances) {
      expect(byRole(inst)).toEqual({ master: 1, manager: 1, worker_or_task: 4 });
      expect(inst.poolSize).toEqual({ value: 3, origin: 'env' });
      expect(inst.logs?.workerStarts.count).toBe(4);
    }

    // The pool math over the measured workers: 2 instances x 4 workers x 3 = 24 > 17 usable slots.
    const demands = instances.map(instanceDemand);
    expect(demands.map((d) => [d.workersOrigin, d.demand])).toEqual([['measured', 12], ['measured', 12]]);
    expect(computePoolMath(demands, null).totalDemand).toBe(24);

    // The old one filled its pools; the new one was refused once the server was full.
    const [oldInst, newInst] = instances;
    expect(oldInst?.logs?.serverFull.reduce((n, p) => n + p.count, 0)).toBe(0);
    const refusals = newInst?.logs?.serverFull.reduce((n, p) => n + p.count, 0) ?? 0;
    // At least what the usable slots cannot hold. Maybe one or two more: the new instance's workers
    // connect at once, and a backend PostgreSQL refuses holds its slot until it has exited, so an
    // attempt in that moment is refused too. The exact count is checked against the server below.
    expect(refusals).toBeGreaterThanOrEqual(24 - (MAX_CONNECTIONS - RESERVED));
    expect(newInst?.logs?.serverFull.find((p) => p.count > 0)?.lastSeen).toEqual(expect.any(String));
    expect(newInst?.logs?.poolExhausted.reduce((n, p) => n + p.count, 0)).toBeGreaterThan(0);

    // One instance expected: the older one is the stop candidate.
    expect(findStopCandidates(instances, 1).map((c) => c.name)).toEqual([old.name]);

    const admin = await pg.admin();
    try {
      const { rows } = await admin.query<{ app: string; n: number }>(
        `SELECT application_name AS app, count(*)::int AS n FROM pg_stat_activity WHERE usename = 'app' GROUP BY 1 ORDER BY 1`,
      );
      // Every refusal in the new one's log is a connection it asked for and does not hold.
      expect(rows).toEqual([
        { app: old.name, n: 12 },
        { app: fresh.name, n: 12 - refusals },
      ]);
    } finally {
      await admin.end();
    }
  });
});
