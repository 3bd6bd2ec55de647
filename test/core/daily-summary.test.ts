import { describe, expect, it } from 'vitest';
import { openStateDb } from '../../src/state/state-store.js';
import { HistoryStore } from '../../src/state/history-store.js';
import { computeDailySummary, percentile } from '../../src/core/daily-summary.js';
import type { AuditEntry } from '../../src/actions/audit-log.js';
import { gapSample, okSample } from '../fixtures/samples.js';

const NOW = new Date('2026-11-26T05:30:00Z'); // 09:00 in Tehran
const MIN = 60_000;
const DAY = 86_400_000;
const thresholds = { warnUtilization: 0.75, critUtilization: 0.9 };

/**
 * A known day of 1,440 one-minute samples (usable 100): 50 connections, except
 *   minutes 600..699: 80 (above warn), minutes 700..709: 95 (above warn and crit, the peak at 709: 97),
 *   minutes 1000..1029: failed samples (gaps), minute 1100: refused by a full server.
 */
function knownDay(from: Date) {
  const samples = [];
  for (let i = 0; i < 1440; i++) {
    const at = new Date(from.getTime() + i * MIN);
    if (i >= 1000 && i < 1030) samples.push(gapSample(at));
    else if (i === 1100) samples.push(gapSample(at, { refused: true, errorKind: 'server_full' }));
    else if (i >= 600 && i < 700) samples.push(okSample(at, 80));
    else if (i >= 700 && i < 710) samples.push(okSample(at, i === 709 ? 97 : 95));
    else samples.push(okSample(at, 50, i === 1200 ? { logRefusals: 3, instances: 2, extraInstances: 1 } : {}));
  }
  return samples;
}

describe('daily summary from a known series', () => {
  const db = openStateDb(':memory:');
  const store = new HistoryStore(db);
  const from = new Date(NOW.getTime() - DAY);
  store.appendMany(knownDay(from));
  // The day before: flat 40 connections.
  store.appendMany(Array.from({ length: 1440 }, (_, i) => okSample(new Date(from.getTime() - DAY + i * MIN), 40)));
  const audit: AuditEntry[] = [
    { seq: 1, at: new Date(NOW.getTime() - 3 * 3600_000).toISOString(), event: 'executed', planId: 'p1', action: 'terminate-idle', actor: 'U1', detail: { outcome: {} } },
    { seq: 2, at: new Date(NOW.getTime() - 30 * 3600_000).toISOString(), event: 'executed', planId: 'p0', action: 'stop-extra', actor: 'U2', detail: {} },
  ];
  const s = computeDailySummary({ now: NOW, samples: store.between(new Date(NOW.getTime() - 2 * DAY), NOW), audit, current: null, thresholds, intervalSeconds: 60 });

  it('finds the peak and when', () => {
    expect(s.day.peak).toEqual({ connections: 97, at: new Date(from.getTime() + 709 * MIN), usable: 100 });
  });

  it('averages over the samples with data only, and takes the p95 by nearest rank', () => {
    // 1409 samples with data: 1299 x 0.50, 100 x 0.80, 9 x 0.95, 1 x 0.97.
    expect(s.day.okSamples).toBe(1409);
    expect(s.day.avgUtilization).toBeCloseTo((1299 * 0.5 + 100 * 0.8 + 9 * 0.95 + 0.97) / 1409, 10);
    expect(s.day.p95Utilization).toBe(0.8);
  });

  it('counts minutes above warn and crit, and the gaps as minutes without data', () => {
    expect(s.day.minutesAboveWarn).toBe(110);
    expect(s.day.minutesAboveCrit).toBe(10);
    expect(s.day.minutesWithoutData).toBe(31);
  });

  it('counts refusals from samples and logs, instances and extras', () => {
    expect(s.day.refusedSamples).toBe(1);
    expect(s.day.logRefusals).toBe(3);
    expect(s.day.instancesMin).toBe(1);
    expect(s.day.instancesMax).toBe(2);
    expect(s.day.extraInstancesMax).toBe(1);
  });

  it('lists the actions of the last 24 hours only, and compares with the day before', () => {
    expect(s.actions).toEqual([{ at: audit[0]?.at, action: 'terminate-idle', actor: 'U1', ok: true }]);
    expect(s.previousDay.peak?.connections).toBe(40);
    expect(s.change.peak).toBe(57);
    expect(s.change.minutesAboveWarn).toBe(110);
    expect(s.series).toHaveLength(1440);
  });

  it('has no figures, only minutes without data, for an empty day', () => {
    const empty = computeDailySummary({ now: NOW, samples: [], audit: [], current: null, thresholds, intervalSeconds: 60 });
    expect(empty.day).toMatchObject({ peak: null, avgUtilization: null, p95Utilization: null, minutesWithoutData: 1440 });
    expect(empty.change.peak).toBeNull();
  });

  it('percentile by nearest rank', () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(percentile([3, 1, 2], 0.5)).toBe(2);
    expect(percentile([], 0.95)).toBeNull();
  });
});
