import { z } from 'zod';
import type { Logger } from '../logger.js';
import type { StateDb } from './state-store.js';
import type { WarningSnapshot } from '../schedule/warning-state.js';

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
      const snapshot = SNAPSHOT.parse(JSON.parse(row.snapshot));
      this.lastSaved = row.snapshot;
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

const LEVEL = z.enum(['ok', 'warn', 'crit']);
/** WarningSnapshot as stored; zod's numbers are finite. */
const SNAPSHOT: z.ZodType<WarningSnapshot> = z.object({
  level: LEVEL,
  announced: LEVEL,
  episodePosted: z.boolean(),
  thread: z.object({ ts: z.string().nullable(), lastPostAt: z.number() }).nullable(),
  mutedUntil: z.number().nullable(),
});
