import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { createMetrics } from '../../src/metrics/metrics.js';
import { facts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

describe('Prometheus metrics', () => {
  it('exposes the last report, diagnosis time and actions in the text format', async () => {
    const m = createMetrics({ defaultMetrics: false });
    m.observeReport(buildReport('status', facts({ clientConnections: 80, appConnections: 79 }), settings()), 0.042);
    m.actionRun('terminate_idle', 'ok');
    m.actionRefused('stop_extra', 'not_approver');
    const text = await m.registry.metrics();
    expect(text).toContain('dbpool_postgres_client_connections 80');
    expect(text).toContain('dbpool_postgres_usable_connections 97');
    expect(text).toContain('dbpool_verdict 1');
    expect(text).toContain('dbpool_diagnosis_duration_seconds_count 1');
    expect(text).toContain('dbpool_actions_total{action="terminate_idle",outcome="ok"} 1');
    expect(text).toContain('dbpool_actions_refused_total{action="stop_extra",reason="not_approver"} 1');
  });
});
