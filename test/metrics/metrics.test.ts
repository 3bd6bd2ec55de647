import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { facts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const TARGET = 'target="db.internal/madras"';

describe('Prometheus metrics', () => {
  it('exposes the last report, diagnosis time and actions in the text format', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.observeReport(buildReport('status', facts({ clientConnections: 80, appConnections: 79 }), settings()), 0.042);
    m.actionRun('terminate_idle', 'ok');
    m.actionRefused('stop_extra', 'not_approver');
    const text = await m.registry.metrics();
    expect(text).toContain(`dbpool_postgres_client_connections{${TARGET}} 80`);
    expect(text).toContain(`dbpool_postgres_usable_connections{${TARGET}} 97`);
    expect(text).toContain(`dbpool_app_instances_running{${TARGET}} 1`);
    expect(text).toContain('dbpool_postgres_up 1');
    expect(text).toContain('dbpool_verdict 1');
    expect(text).toContain('dbpool_diagnosis_duration_seconds_count 1');
    expect(text).toContain('dbpool_actions_total{action="terminate_idle",outcome="ok"} 1');
    expect(text).toContain('dbpool_actions_refused_total{action="stop_extra",reason="not_approver"} 1');
  });

  it('drops the figures it could not read: no stale connection counts with postgres_up 0, no zero instances for a blind source', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.observeReport(buildReport('status', facts({ clientConnections: 80 }), settings()), 0.01);
    const down = {
      ...facts(),
      postgres: { ok: false as const, error: { kind: 'unreachable' as const, source: 'postgres db.internal:5432/madras', message: 'connect ECONNREFUSED' }, database: 'madras', host: 'db.internal' },
      instances: [{ source: 'docker unix:///var/run/docker.sock', ok: false, instances: [], error: { kind: 'unreachable' as const, source: 'docker', message: 'connect ENOENT' } }],
    };
    m.observeReport(buildReport('status', down, settings()), 0.01);
    const text = await m.registry.metrics();
    expect(text).toContain('dbpool_postgres_up 0');
    expect(text).not.toMatch(/^dbpool_postgres_client_connections\{/m);
    expect(text).not.toMatch(/^dbpool_postgres_max_connections\{/m);
    expect(text).not.toMatch(/^dbpool_app_instances_running\{/m);
    expect(text).not.toMatch(/^dbpool_app_pool_demand_connections\{/m);
  });

  it('before the first diagnosis: verdict UNKNOWN, every action counter at 0, no figures', async () => {
    const text = await createMetrics({ defaultMetrics: false }).registry.metrics();
    expect(text).toContain('dbpool_verdict 3');
    for (const action of ['terminate_idle', 'stop_extra', 'undo_scale']) {
      expect(text).toContain(`dbpool_actions_total{action="${action}",outcome="ok"} 0`);
      expect(text).toContain(`dbpool_actions_total{action="${action}",outcome="failed"} 0`);
      expect(text).toContain(`dbpool_actions_refused_total{action="${action}",reason="not_approver"} 0`);
    }
    expect(text).not.toMatch(/^dbpool_postgres_client_connections\{/m);
  });

  it("names the process metrics as prom-client and every dashboard do, without a gauge called *_total", async () => {
    const text = await createMetrics().registry.metrics();
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/^nodejs_active_handles\{type="/m);
    expect(text).not.toContain('dbpool_process_');
    const gaugesNamedTotal = [...text.matchAll(/^# TYPE (\S+_total) (\w+)$/gm)].filter((m) => m[2] !== 'counter').map((m) => m[1]);
    expect(gaugesNamedTotal).toEqual([]);
  });
});
