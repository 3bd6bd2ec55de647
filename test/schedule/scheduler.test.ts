import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { buildReport, type Report } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { HistoryStore } from '../../src/state/history-store.js';
import { Scheduler } from '../../src/schedule/scheduler.js';
import type { SummaryPoster } from '../../src/schedule/scheduler.js';
import { SummaryRuns } from '../../src/state/summary-runs.js';
import type { WarningPoster } from '../../src/schedule/warning-job.js';
import { openStateDb, type StateDb } from '../../src/state/state-store.js';
import { facts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { FakeTimer, flush } from '../helpers/fake-timer.js';

const config = loadConfig({ DBPOOL_SUMMARY_CHANNEL: 'C0SUMMARY', DBPOOL_WARNING_CHANNEL: 'C0WARN', DBPOOL_SUMMARY_LANG: 'fa' });

function setup(options: { db?: StateDb; start: string; leader?: () => boolean; connections?: () => number }) {
  let t = new Date(options.start).getTime();
  const db = options.db ?? openStateDb(':memory:');
  const posts: { channel: string; lang: string; png: Buffer | null; title: string }[] = [];
  const warnings: Parameters<WarningPoster['postWarning']>[0][] = [];
  const summaryPoster: SummaryPoster = {
    postSummary: async (doc, png, channel, lang) => {
      posts.push({ channel, lang, png, title: doc.title });
    },
  };
  const warningPoster: WarningPoster = {
    postWarning: async (input) => {
      warnings.push(input);
      return { ts: `ts-${warnings.length}` };
    },
  };
  const takeReport = async (): Promise<Report> =>
    buildReport('status', { ...facts({ clientConnections: (options.connections?.() ?? 20) + 1 }) /* + dbpool's own */, observedAt: new Date(t).toISOString() }, settings());
  const timer = new FakeTimer();
  const scheduler = new Scheduler({
    config,
    takeReport,
    history: new HistoryStore(db),
    runs: new SummaryRuns(db),
    audit: null,
    lease: options.leader ? { isLeader: options.leader } : null,
    summaryPoster,
    warningPoster,
    replicaId: 'replica-a',
    now: () => new Date(t),
    timer,
    logger: silentLogger(),
  });
  return { scheduler, db, posts, warnings, timer, setTime: (iso: string) => (t = new Date(iso).getTime()) };
}

describe('daily summary scheduling with a controllable clock', () => {
  it('posts at 09:00 Tehran (05:30 UTC), once, and not again after a restart', async () => {
    const a = setup({ start: '2026-11-26T05:29:00Z' });
    expect(await a.scheduler.tickSummary()).toBe('not-due');
    a.setTime('2026-11-26T05:30:00Z');
    expect(await a.scheduler.tickSummary()).toBe('posted');
    expect(a.posts).toHaveLength(1);
    expect(a.posts[0]).toMatchObject({ channel: 'C0SUMMARY', lang: 'fa' });
    expect(a.posts[0]?.png?.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    a.setTime('2026-11-26T05:31:00Z');
    expect(await a.scheduler.tickSummary()).toBe('already-claimed');
    // A restart: a new scheduler on the same state file.
    const b = setup({ db: a.db, start: '2026-11-26T06:00:00Z' });
    expect(await b.scheduler.tickSummary()).toBe('already-claimed');
    expect(a.posts.length + b.posts.length).toBe(1);
    // The next day posts again.
    b.setTime('2026-11-27T05:30:30Z');
    expect(await b.scheduler.tickSummary()).toBe('posted');
  });

  it('posts a run missed while the bot was down when it comes back within the grace window', async () => {
    const a = setup({ start: '2026-11-26T08:00:00Z' }); // 11:30 Tehran, 150 min late
    expect(await a.scheduler.tickSummary()).toBe('posted');
    expect(await a.scheduler.tickSummary()).toBe('already-claimed');
    expect(a.posts).toHaveLength(1);
  });

  it('does not post a run missed beyond the grace window', async () => {
    const a = setup({ start: '2026-11-26T08:31:00Z' }); // 181 min late
    expect(await a.scheduler.tickSummary()).toBe('not-due');
    expect(a.posts).toHaveLength(0);
  });

  it('two schedulers on one state file: exactly one posts', async () => {
    const a = setup({ start: '2026-11-26T05:30:00Z' });
    const b = setup({ db: a.db, start: '2026-11-26T05:30:00Z' });
    const results = await Promise.all([a.scheduler.tickSummary(), b.scheduler.tickSummary()]);
    expect(results.sort()).toEqual(['already-claimed', 'posted']);
    expect(a.posts.length + b.posts.length).toBe(1);
  });

  it('a follower never posts', async () => {
    const a = setup({ start: '2026-11-26T05:30:00Z', leader: () => false });
    expect(await a.scheduler.tickSummary()).toBe('follower');
    expect(a.posts).toHaveLength(0);
  });
});

describe('sampler and early warnings through the scheduler', () => {
  it('samples on the timer, stores history and posts a warning, then updates in its thread', async () => {
    let connections = 50;
    const a = setup({ start: '2026-11-26T10:00:00Z', connections: () => connections });
    a.scheduler.start();
    a.timer.fireAll(); // the first sample is due at once
    await flush();
    expect(a.warnings).toHaveLength(0);
    connections = 80; // 80 / 97 usable > 0.75
    a.setTime('2026-11-26T10:01:00Z');
    a.timer.fireAll();
    await flush();
    expect(a.warnings).toHaveLength(1);
    expect(a.warnings[0]?.decision).toMatchObject({ kind: 'post-new', severity: 'warn' });
    expect(a.warnings[0]?.channel).toBe('C0WARN'); // warnings have a channel of their own
    expect(a.warnings[0]?.text).toContain('٪');
    connections = 92; // > 0.9
    a.setTime('2026-11-26T10:02:00Z');
    a.timer.fireAll();
    await flush();
    expect(a.warnings[1]?.decision).toMatchObject({ kind: 'post-in-thread', severity: 'crit', threadTs: 'ts-1' });
    await a.scheduler.stop();
    const stored = new HistoryStore(a.db).between(new Date('2026-11-26T00:00:00Z'), new Date('2026-11-27T00:00:00Z'));
    expect(stored.map((s) => s.clientConnections)).toEqual([50, 80, 92]);
  });
});
