import { describe, expect, it } from 'vitest';
import { levelWithHysteresis, WarningState, type WarningSettings } from '../../src/schedule/warning-state.js';

const settings: WarningSettings = { warnUtilization: 0.75, critUtilization: 0.9, hysteresis: 0.05, cooldownMinutes: 30 };
const T0 = new Date('2026-11-26T10:00:00Z').getTime();
const at = (minute: number) => new Date(T0 + minute * 60_000);

/** Feeds one value a minute and returns the decisions that post something. */
function run(state: WarningState, values: (number | null)[], startMinute = 0) {
  return values
    .map((v, i) => ({ minute: startMinute + i, d: state.observe(v, at(startMinute + i)) }))
    .filter((x) => x.d.kind !== 'none');
}

describe('warning levels with hysteresis', () => {
  it('rises at the threshold and clears only below threshold minus the band', () => {
    expect(levelWithHysteresis('ok', 0.749, settings)).toBe('ok');
    expect(levelWithHysteresis('ok', 0.75, settings)).toBe('warn');
    expect(levelWithHysteresis('warn', 0.71, settings)).toBe('warn');
    expect(levelWithHysteresis('warn', 0.699, settings)).toBe('ok');
    expect(levelWithHysteresis('crit', 0.86, settings)).toBe('crit');
    expect(levelWithHysteresis('crit', 0.84, settings)).toBe('warn');
  });
});

describe('early warning decisions', () => {
  it('a value hovering at the warning line posts once', () => {
    const s = new WarningState(settings);
    const posts = run(s, [0.74, 0.76, 0.74, 0.76, 0.73, 0.77, 0.745, 0.76, 0.72, 0.78]);
    expect(posts).toEqual([{ minute: 1, d: { kind: 'post-new', severity: 'warn', reason: 'opened' } }]);
  });

  it('escalation and recovery go into the thread of the first message', () => {
    const s = new WarningState(settings);
    const [opened] = run(s, [0.8]);
    expect(opened?.d.kind).toBe('post-new');
    s.setThreadTs('1700000000.000100');
    const posts = run(s, [0.85, 0.92, 0.88, 0.6], 1);
    expect(posts.map((p) => p.d)).toEqual([
      { kind: 'post-in-thread', severity: 'crit', reason: 'escalated', threadTs: '1700000000.000100' },
      { kind: 'post-in-thread', severity: 'ok', reason: 'recovered', threadTs: '1700000000.000100' },
    ]);
  });

  it('a relapse within the cool-down is silent (and so is its recovery); after it, a new message', () => {
    const s = new WarningState(settings);
    run(s, [0.8]);
    s.setThreadTs('ts-1');
    expect(run(s, [0.5], 1).map((p) => p.d.kind)).toEqual(['post-in-thread']); // recovered at minute 1
    expect(run(s, [0.8, 0.5, 0.8, 0.5], 10)).toEqual([]); // minutes 10..13: within 30 min of the recovery post
    // A relapse to crit within the cool-down still goes into the thread.
    expect(run(s, [0.95], 20).map((p) => p.d)).toEqual([{ kind: 'post-in-thread', severity: 'crit', reason: 'relapsed', threadTs: 'ts-1' }]);
    expect(run(s, [0.5], 21).map((p) => p.d.kind)).toEqual(['post-in-thread']);
    // 30 quiet minutes after the last post: the thread closes, the next incident is a new message.
    expect(run(s, [0.5], 51)).toEqual([]);
    expect(run(s, [0.8], 52).map((p) => p.d.kind)).toEqual(['post-new']);
  });

  it('mute silences until its end; a higher level than announced is posted after it', () => {
    const s = new WarningState(settings);
    run(s, [0.8]);
    s.setThreadTs('ts-1');
    s.mute(at(60));
    expect(s.isMuted(at(30))).toBe(true);
    expect(run(s, [0.95, 0.5, 0.8, 0.95], 1)).toEqual([]);
    const after = run(s, [0.95], 60);
    expect(after.map((p) => p.d)).toEqual([{ kind: 'post-in-thread', severity: 'crit', reason: 'escalated', threadTs: 'ts-1' }]);
  });

  it('a gap changes nothing', () => {
    const s = new WarningState(settings);
    run(s, [0.8]);
    expect(run(s, [null, null], 1)).toEqual([]);
    expect(s.level()).toBe('warn');
  });

  it('a snapshot restores the state', () => {
    const s = new WarningState(settings);
    run(s, [0.8]);
    s.setThreadTs('ts-9');
    const restored = new WarningState(settings, s.snapshot());
    expect(run(restored, [0.95], 1).map((p) => p.d)).toEqual([{ kind: 'post-in-thread', severity: 'crit', reason: 'escalated', threadTs: 'ts-9' }]);
  });
});
