import { describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../src/core/report.js';
import type { Facts } from '../../src/core/facts.js';
import { sampleFromReport } from '../../src/core/sample-from-report.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const report = (f: Facts): Report => buildReport('status', f, settings());
const failed = (kind: 'unreachable' | 'server_full'): Facts => ({
  ...facts(),
  postgres: { ok: false, error: { kind, source: 'postgres', message: 'x' }, database: 'madras', host: 'db' },
});

describe('sample from a status report', () => {
  it('takes the counts, the pool math and the instances of the report', () => {
    const two = [instance({ id: 'a' }), instance({ id: 'b', name: 'php_swoole_app_old' })];
    const { sample } = sampleFromReport(report(facts({ clientConnections: 41 }, two)), 1, null);
    expect(sample).toMatchObject({ ok: true, clientConnections: 40, // dbpool's own connection is not usage
 usable: 97, maxConnections: 100, instances: 2, extraInstances: 1, refused: false });
    expect(sample.appDemand).toBe(report(facts({}, two)).math.knownDemand);
  });

  it('a failed observation is a gap; a full server is a refusal', () => {
    expect(sampleFromReport(report(failed('unreachable')), 1, null).sample).toMatchObject({ ok: false, clientConnections: null, usable: null, refused: false, errorKind: 'unreachable' });
    expect(sampleFromReport(report(failed('server_full')), 1, null).sample).toMatchObject({ ok: false, refused: true, errorKind: 'server_full' });
  });

  it('counts only the growth of the "server full" lines in the log tail', () => {
    const withLogs = (count: number) =>
      report(facts({}, [instance({ logs: { linesRead: 100, since: null, workerStarts: { pattern: 'w', count: 0, lastSeen: null }, serverFull: [{ pattern: 'too many', count, lastSeen: null }], poolExhausted: [] } })]));
    const first = sampleFromReport(withLogs(5), 1, null);
    expect(first.sample.logRefusals).toBe(0);
    expect(sampleFromReport(withLogs(8), 1, first.logTotal).sample.logRefusals).toBe(3);
    expect(sampleFromReport(withLogs(2), 1, 8).sample.logRefusals).toBe(0);
  });
});
