import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { facts } from '../fixtures/facts.js';
import { pgbouncerFacts, pgbouncerOk } from '../fixtures/pgbouncer-facts.js';
import { settings } from '../fixtures/report-settings.js';

describe('PgBouncer on /metrics', () => {
  it('one series per PgBouncer; an unreadable one is down, and a series vanishes with its PgBouncer', async () => {
    const m = createMetrics({ defaultMetrics: false });
    const waiting = pgbouncerFacts({ pool: { clientsWaiting: 3, maxWaitSeconds: 2.5 } });
    const down = { ok: false as const, address: 'pgb2:6432', error: { kind: 'unreachable' as const, source: 'pgbouncer pgb2:6432', message: 'ECONNREFUSED' } };
    m.observeReport(buildReport('status', { ...facts(), pgbouncers: [pgbouncerOk(waiting), down] }, settings()), 0.01);
    let text = await m.registry.metrics();
    expect(text).toContain('dbpool_pgbouncer_up{pgbouncer="pgbouncer:6432"} 1');
    expect(text).toContain('dbpool_pgbouncer_up{pgbouncer="pgb2:6432"} 0');
    expect(text).toContain('dbpool_pgbouncer_client_connections{pgbouncer="pgbouncer:6432"} 50');
    expect(text).toContain('dbpool_pgbouncer_max_client_connections{pgbouncer="pgbouncer:6432"} 50');
    expect(text).toContain('dbpool_pgbouncer_waiting_client_connections{pgbouncer="pgbouncer:6432"} 3');
    expect(text).toContain('dbpool_pgbouncer_max_wait_seconds{pgbouncer="pgbouncer:6432"} 2.5');
    expect(text).toContain('dbpool_pgbouncer_max_server_connections{pgbouncer="pgbouncer:6432"} 10');
    // Two PgBouncers and an app that does not say which it uses: its demand is tied to neither.
    expect(text).not.toContain('dbpool_pgbouncer_app_pool_demand_connections{');

    m.observeReport(buildReport('status', facts(), settings()), 0.01);
    text = await m.registry.metrics();
    expect(text).not.toContain('pgbouncer="pgb2:6432"');
  });
});
