/**
 * Early warnings as a pure state machine: feed it each utilization sample, it answers what to post.
 *
 * - Levels rise at the thresholds and fall only below threshold minus the hysteresis band, so a
 *   value hovering at the line keeps one level.
 * - An incident is announced once per level: a new message first, then escalations and the recovery
 *   go into its thread.
 * - After the recovery the thread stays open for the cool-down: a relapse at the same level within it
 *   is silent (and so is its recovery); only a higher level is posted, in the same thread.
 * - mute(until) silences everything until then; a level above the one announced is posted after it.
 */

export type WarningLevel = 'ok' | 'warn' | 'crit';

export interface WarningSettings {
  warnUtilization: number;
  critUtilization: number;
  /** e.g. 0.05 clears a 0.75 warning below 0.70. */
  hysteresis: number;
  cooldownMinutes: number;
}

export type WarningDecision =
  | { kind: 'none' }
  | { kind: 'post-new'; severity: 'warn' | 'crit'; reason: 'opened' }
  | { kind: 'post-in-thread'; severity: 'warn' | 'crit'; reason: 'escalated' | 'relapsed'; threadTs: string | null }
  | { kind: 'post-in-thread'; severity: 'ok'; reason: 'recovered'; threadTs: string | null };

export interface WarningSnapshot {
  level: WarningLevel;
  /** Highest level announced in the current thread. */
  announced: WarningLevel;
  /** Whether the current episode (level above ok) posted anything: its recovery is posted only then. */
  episodePosted: boolean;
  thread: { ts: string | null; lastPostAt: number } | null;
  mutedUntil: number | null;
}

const RANK: Record<WarningLevel, number> = { ok: 0, warn: 1, crit: 2 };

export function levelWithHysteresis(current: WarningLevel, utilization: number, s: WarningSettings): WarningLevel {
  if (utilization >= s.critUtilization) return 'crit';
  if (current === 'crit' && utilization >= s.critUtilization - s.hysteresis) return 'crit';
  if (utilization >= s.warnUtilization) return 'warn';
  if (current !== 'ok' && utilization >= s.warnUtilization - s.hysteresis) return 'warn';
  return 'ok';
}

export class WarningState {
  private s: WarningSnapshot;

  constructor(
    private readonly settings: WarningSettings,
    snapshot?: WarningSnapshot,
  ) {
    this.s = snapshot ? { ...snapshot } : { level: 'ok', announced: 'ok', episodePosted: false, thread: null, mutedUntil: null };
  }

  /** One sample; null utilization (a gap) changes nothing. */
  observe(utilization: number | null, at: Date): WarningDecision {
    if (utilization === null) return { kind: 'none' };
    const s = this.s;
    const t = at.getTime();
    const previous = s.level;
    s.level = levelWithHysteresis(previous, utilization, this.settings);
    if (s.mutedUntil !== null && t >= s.mutedUntil) s.mutedUntil = null;

    // A quiet thread past its cool-down closes: the next incident starts a new message.
    if (s.thread && previous === 'ok' && s.level === 'ok' && t - s.thread.lastPostAt >= this.settings.cooldownMinutes * 60_000) {
      s.thread = null;
      s.announced = 'ok';
    }
    if (s.level !== 'ok' && previous === 'ok') {
      s.episodePosted = false;
      if (s.thread && t - s.thread.lastPostAt >= this.settings.cooldownMinutes * 60_000) {
        s.thread = null;
        s.announced = 'ok';
      }
    }
    if (s.mutedUntil !== null) return { kind: 'none' };

    if (s.level === 'ok') {
      if (previous !== 'ok' && s.episodePosted && s.thread) {
        s.episodePosted = false;
        s.thread.lastPostAt = t;
        return { kind: 'post-in-thread', severity: 'ok', reason: 'recovered', threadTs: s.thread.ts };
      }
      return { kind: 'none' };
    }
    if (RANK[s.level] <= RANK[s.announced]) return { kind: 'none' };
    const severity = s.level;
    s.announced = severity;
    s.episodePosted = true;
    if (s.thread) {
      const reason = previous === 'ok' ? 'relapsed' : 'escalated';
      s.thread.lastPostAt = t;
      return { kind: 'post-in-thread', severity, reason, threadTs: s.thread.ts };
    }
    s.thread = { ts: null, lastPostAt: t };
    return { kind: 'post-new', severity, reason: 'opened' };
  }

  /** The ts of the message a 'post-new' produced: later updates go into its thread. */
  setThreadTs(ts: string): void {
    if (this.s.thread) this.s.thread.ts = ts;
  }

  /** "Mute 1h": nothing is posted until `until`. */
  mute(until: Date): void {
    this.s.mutedUntil = until.getTime();
  }

  isMuted(at: Date): boolean {
    return this.s.mutedUntil !== null && at.getTime() < this.s.mutedUntil;
  }

  level(): WarningLevel {
    return this.s.level;
  }

  /** A copy, to persist or to inspect. */
  snapshot(): WarningSnapshot {
    return { ...this.s, thread: this.s.thread ? { ...this.s.thread } : null };
  }
}
