import { describe, expect, it } from 'vitest';
import { buildReport, type Report } from '../../src/core/report.js';
import type { Facts } from '../../src/core/facts.js';
import { silentLogger } from '../../src/logger.js';
import { HistoryStore } from '../../src/state/history-store.js';
import { Sampler } from '../../src/schedule/sampler.js';
import { openStateDb } from '../../src/state/state-store.js';
import { facts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { FakeTimer, flush } from '../helpers/fake-timer.js';

const report = (f: Facts): Report => buildReport('status', f, settings());
const failed = (kind: 'unreachable' | 'server_full'): Facts => ({
  ...facts(),
  postgres: { ok: false, error: { kind, source: 'postgres', message: 'x' }, database: 'madras', host: 'db' },
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
    expect(store.between(new Date(0), new Date('2030-01-01')).map((s) => [s.ok, s.clientConnections])).toEqual([[true, 20], [false, null]]);
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
