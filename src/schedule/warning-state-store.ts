import type { Logger } from '../logger.js';
import type { StateDb } from '../state/state-store.js';
import type { WarningLevel, WarningSnapshot } from './warning-state.js';

/**
 * The early warnings' state in the state file, so that a restart during an incident (a deploy, a
 * crash) neither announces it again nor forgets its thread or a "Mute 1h". One row; a row that
 * cannot be read starts the warnings afresh instead of stopping the bot.
 */
export class WarningStateStore {
  private lastSaved: string | null = null;

  constructor(
    private readonly db: StateDb,
    private readonly logger?: Logger,
  ) {}

  load(): WarningSnapshot | null {
    try {
      const row = this.db.prepare(`SELECT snapshot FROM warning_state WHERE id = 1`).get() as { snapshot: string } | undefined;
      if (!row) return null;
      const snapshot = parseSnapshot(JSON.parse(row.snapshot));
      if (!snapshot) this.logger?.warn('stored warning state unreadable: starting afresh');
      this.lastSaved = snapshot ? row.snapshot : null;
      return snapshot;
    } catch (err) {
      this.logger?.warn({ err }, 'stored warning state unreadable: starting afresh');
      return null;
    }
  }

  /** Writes only what changed; a failed write (file locked, disk full) keeps the warnings running. */
  save(snapshot: WarningSnapshot, at: Date): void {
    const text = JSON.stringify(snapshot);
    if (text === this.lastSaved) return;
    try {
      this.db
        .prepare(`INSERT INTO warning_state (id, snapshot, saved_at) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, saved_at = excluded.saved_at`)
        .run(text, at.toISOString());
      this.lastSaved = text;
    } catch (err) {
      this.logger?.warn({ err }, 'could not store the warning state');
    }
  }
}

const LEVELS: readonly WarningLevel[] = ['ok', 'warn', 'crit'];

function parseSnapshot(v: unknown): WarningSnapshot | null {
  if (typeof v !== 'object' || v === null) return null;
  const s = v as Record<string, unknown>;
  const level = (x: unknown): x is WarningLevel => LEVELS.includes(x as WarningLevel);
  const time = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  if (!level(s.level) || !level(s.announced) || typeof s.episodePosted !== 'boolean') return null;
  if (s.mutedUntil !== null && !time(s.mutedUntil)) return null;
  const thread = s.thread as Record<string, unknown> | null;
  if (thread !== null && (typeof thread !== 'object' || !(thread.ts === null || typeof thread.ts === 'string') || !time(thread.lastPostAt))) return null;
  return {
    level: s.level,
    announced: s.announced,
    episodePosted: s.episodePosted,
    thread: thread === null ? null : { ts: thread.ts as string | null, lastPostAt: thread.lastPostAt as number },
    mutedUntil: s.mutedUntil as number | null,
  };
}
