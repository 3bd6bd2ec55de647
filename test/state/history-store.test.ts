import { describe, expect, it } from 'vitest';
import { HistoryStore } from '../../src/state/history-store.js';
import { openStateDb } from '../../src/state/state-store.js';
import { gapSample, okSample } from '../fixtures/samples.js';

const NOW = new Date('2026-11-26T05:30:00Z');
const MIN = 60_000;
const DAY = 86_400_000;

describe('history store', () => {
  it('stores a failed sample as a gap (nulls), never as zero, and purges old rows', () => {
    const store = new HistoryStore(openStateDb(':memory:'));
    store.append(okSample(new Date(NOW.getTime() - 40 * DAY), 10));
    store.append(gapSample(new Date(NOW.getTime() - MIN), { clientConnections: 0 }));
    const [gap] = store.between(new Date(NOW.getTime() - 2 * MIN), NOW);
    expect(gap).toMatchObject({ ok: false, clientConnections: null, usable: null, errorKind: 'unreachable' });
    expect(store.count()).toBe(2);
    expect(store.purge(NOW, 30)).toBe(1);
    expect(store.count()).toBe(1);
  });
});
