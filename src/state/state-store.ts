import { mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { openSqlite, type SqliteDb } from './sqlite.js';

/**
 * dbpool's own state in one SQLite file: remediation plans, the audit trail, the connection history,
 * the daily summary's claims and the early warnings' state. WAL mode, so a reader never blocks the writer.
 */
export interface StateDb extends SqliteDb {
  readonly file: string;
  /**
   * Whether the file open is still the file at its path. Deleted or replaced under the running bot,
   * SQLite keeps writing into the unlinked file: the audit and the hourly cap would be lost, so
   * actions are refused until dbpool is restarted on a sound file.
   */
  problem(): StateProblem | null;
}

export type StateProblem = 'deleted' | 'replaced';

const MIGRATIONS: string[] = [
  `CREATE TABLE plans (
     id TEXT PRIMARY KEY,
     action TEXT NOT NULL,
     body TEXT NOT NULL,
     status TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     approved_by TEXT,
     approved_at TEXT
   );
   CREATE TABLE audit (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     at TEXT NOT NULL,
     event TEXT NOT NULL,
     plan_id TEXT,
     action TEXT,
     actor TEXT,
     detail TEXT NOT NULL DEFAULT '{}'
   );
   CREATE INDEX audit_plan ON audit(plan_id);
   CREATE INDEX audit_at ON audit(at);
   PRAGMA user_version = 1;`,
  // Connection history (src/state/history-store.ts) and the daily summary's claims
  // (src/state/summary-runs.ts). A failed sample is a row with ok = 0 and null figures.
  `CREATE TABLE samples (
     at INTEGER NOT NULL,
     ok INTEGER NOT NULL,
     client_connections INTEGER,
     usable INTEGER,
     max_connections INTEGER,
     app_demand INTEGER,
     instances INTEGER,
     extra_instances INTEGER,
     refused INTEGER NOT NULL DEFAULT 0,
     log_refusals INTEGER,
     error_kind TEXT
   );
   CREATE INDEX samples_at ON samples(at);
   CREATE TABLE summary_runs (
     local_date TEXT PRIMARY KEY,
     claimed_at TEXT NOT NULL,
     claimed_by TEXT NOT NULL,
     status TEXT NOT NULL,
     detail TEXT
   );
   PRAGMA user_version = 2;`,
  // The early warnings' state (src/state/warning-state-store.ts): one row.
  `CREATE TABLE warning_state (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     snapshot TEXT NOT NULL,
     saved_at TEXT NOT NULL
   );
   PRAGMA user_version = 3;`,
  // Remediation: where a plan is shown (to update it after a restart) and the running process's
  // heartbeat (a plan whose process died is reconciled at the next start).
  `ALTER TABLE plans ADD COLUMN message TEXT;
   ALTER TABLE plans ADD COLUMN heartbeat_at TEXT;
   CREATE INDEX plans_approved_at ON plans(approved_at);
   CREATE INDEX plans_status ON plans(status);
   PRAGMA user_version = 4;`,
];

export function openStateDb(file: string): StateDb {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = openSqlite(file, { busyTimeoutMs: 2000 });
  let identity: { dev: number; ino: number } | null = null;
  try {
    db.exec('PRAGMA journal_mode = WAL');
    db.exec('PRAGMA synchronous = NORMAL');
    const { user_version: version } = db.prepare('PRAGMA user_version').get() as { user_version: number };
    db.transaction(() => {
      MIGRATIONS.slice(version).forEach((sql) => db.exec(sql)); // each ends by setting its version
    });
    if (file !== ':memory:') identity = statSync(file);
  } catch (err) {
    db.close();
    throw err;
  }
  return Object.assign(db, { file, problem: () => (identity ? fileProblem(file, identity) : null) });
}

function fileProblem(file: string, opened: { dev: number; ino: number }): StateProblem | null {
  try {
    const now = statSync(file);
    return now.dev === opened.dev && now.ino === opened.ino ? null : 'replaced';
  } catch {
    return 'deleted';
  }
}
