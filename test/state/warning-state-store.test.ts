import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildReport } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import type { Sample } from '../../src/core/sample-from-report.js';
import { WarningJob, type WarningPoster } from '../../src/schedule/warning-job.js';
import { WarningState } from '../../src/schedule/warning-state.js';
import { WarningStateStore } from '../../src/state/warning-state-store.js';
import { openStateDb, type StateDb } from '../../src/state/state-store.js';
import { facts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { okSample } from '../fixtures/samples.js';

const config = loadConfig({});
const warningSettings = { ...config.thresholds, hysteresis: 0.05, cooldownMinutes: 30 };
const T0 = new Date('2026-11-26T10:00:00Z').getTime();
const sample = (minute: number, connections: number): Sample => okSample(new Date(T0 + minute * 60_000), connections);

/** A bot's warnings as created at start-up: the state read back from the file. */
function startBot(db: StateDb) {
  const posted: Parameters<WarningPoster['postWarning']>[0][] = [];
  const store = new WarningStateStore(db, silentLogger());
  const job = new WarningJob({
    state: new WarningState(warningSettings, store.load() ?? undefined),
    store,
    poster: { postWarning: async (input) => (posted.push(input), { ts: `ts-${posted.length}` }) },
    channel: 'C0ONCALL',
    lang: 'en',
    thresholds: config.thresholds,
    isLeader: () => true,
    logger: silentLogger(),
  });
  return { job, posted, feed: (s: Sample) => job.onSample(s, buildReport('status', facts({ clientConnections: s.clientConnections ?? 0 }), settings())) };
}

describe('the early warnings across a restart of the bot', () => {
  it('an incident announced before the restart is not announced again; its escalation goes into the same thread', async () => {
    const db = openStateDb(':memory:');
    const before = startBot(db);
    expect((await before.feed(sample(0, 80))).kind).toBe('post-new');
    expect(await before.feed(sample(1, 82))).toEqual({ kind: 'none' });

    const after = startBot(db); // restarted on the same state file
    expect(await after.feed(sample(2, 83))).toEqual({ kind: 'none' });
    expect(await after.feed(sample(3, 95))).toEqual({ kind: 'post-in-thread', severity: 'crit', reason: 'escalated', threadTs: 'ts-1' });
    expect(after.posted.map((p) => p.decision.kind)).toEqual(['post-in-thread']);
  });

  it('"Mute 1h" holds across a restart, and ends on time', async () => {
    const db = openStateDb(':memory:');
    const first = startBot(db);
    first.job.mute(new Date(T0 + 60 * 60_000), new Date(T0));
    const second = startBot(db);
    expect(await second.feed(sample(5, 95))).toEqual({ kind: 'none' });
    expect((await second.feed(sample(61, 95))).kind).toBe('post-new');
  });

  it('an unreadable stored state starts the warnings afresh instead of stopping the bot', async () => {
    const db = openStateDb(':memory:');
    db.exec(`INSERT INTO warning_state (id, snapshot, saved_at) VALUES (1, '{"level":"bogus"}', 'x')`);
    expect(new WarningStateStore(db).load()).toBeNull();
    db.exec(`UPDATE warning_state SET snapshot = 'not json'`);
    const bot = startBot(db);
    expect((await bot.feed(sample(0, 80))).kind).toBe('post-new');
  });
});
