import { describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../src/core/report.js';
import type { Facts } from '../../src/core/facts.js';
import { silentLogger } from '../../src/logger.js';
import { HistoryStore } from '../../src/state/history-store.js';
import { Sampler } from '../../src/schedule/sampler.js';
import { sampleFromReport } from '../../src/core/sample-from-report.js';
import { openStateDb } from '../../src/state/state-store.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { FakeTimer, flush } from '../helpers/fake-timer.js';

const report = (f: Facts): Report => buildReport('status', f, settings());
const failed = (kind: 'unreachable' | 'server_full'): Facts => ({
  ...facts(),
  postgres: { ok: false, error: { kind, source: 'postgres', message: 'x' }, database: 'madras', host: 'db' },
});

describe('sample from a status report', () => {
  it('takes the counts, the pool math and the instances of the report', () => {
    const two = [instance({ id: 'a' }), instance({ id: 'b', name: 'php_swoole_app_old' })];
    const { sample } = sampleFromReport(report(facts({ clientConnections: 40 }, two)), 1, null);
    expect(sample).toMatchObject({ ok: true, clientConnections: 40, usable: 97, maxConnections: 100, instances: 2, extraInstances: 1, refused: false });
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

describe('sampler', () => {
  it('never overlaps runs, and stores gaps', async () => {
    const store = new HistoryStore(openStateDb(':memory:'));
    let calls = 0;
    let release: (() => void) | undefined;
    const results = [facts(), failed('unreachable')];
    const sampler = new Sampler({
      takeReport: async () => {
        const f = results[calls++ % 2] as Facts;
        await new Promise<void>((r) => (release = r));
        return report({ ...f, observedAt: new Date(Date.UTC(2026, 10, 26, 10, calls)).toISOString() });
      },
      history: store,
      intervalSeconds: 60,
      retentionDays: 30,
      expectedInstances: 1,
      now: () => new Date('2026-11-26T10:00:00Z'),
      timer: new FakeTimer(),
      logger: silentLogger(),
    });
    const a = sampler.sampleOnce();
    const b = sampler.sampleOnce();
    await flush();
    expect(calls).toBe(1);
    release?.();
    expect(await a).toBe(await b);
    const c = sampler.sampleOnce();
    await flush();
    release?.();
    await c;
    expect(calls).toBe(2);
    expect(store.between(new Date(0), new Date('2030-01-01')).map((s) => [s.ok, s.clientConnections])).toEqual([[true, 21], [false, null]]);
  });

  it('schedules the next run only when the current one ends', async () => {
    const timer = new FakeTimer();
    let release: (() => void) | undefined;
    const sampler = new Sampler({
      takeReport: async () => {
        await new Promise<void>((r) => (release = r));
        return report(facts());
      },
      history: new HistoryStore(openStateDb(':memory:')),
      intervalSeconds: 60,
      retentionDays: 30,
      expectedInstances: 1,
      now: () => new Date('2026-11-26T10:00:00Z'),
      timer,
      logger: silentLogger(),
    });
    sampler.start();
    timer.fireAll();
    await flush();
    expect(timer.pending.size).toBe(0); // running: nothing armed
    release?.();
    await flush();
    expect([...timer.pending.values()].map((p) => p.ms)).toEqual([60_000]);
    await sampler.stop();
    expect(timer.pending.size).toBe(0);
  });
});
