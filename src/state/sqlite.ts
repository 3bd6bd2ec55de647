import { createRequire } from 'node:module';

/**
 * The part of SQLite the state store uses, over two drivers: Node's built-in `node:sqlite` where the
 * runtime has it (Node 22.13+, the Node 24 image: no native addon to compile), and better-sqlite3
 * on Node 20, which has no built-in SQLite. Both are synchronous with the same statement model.
 */
export interface SqliteStatement {
  run(...params: SqliteValue[]): { changes: number }; // a number: neither driver is set to read bigints
  get(...params: SqliteValue[]): unknown;
  all(...params: SqliteValue[]): unknown[];
}

export type SqliteValue = string | number | bigint | null | Uint8Array;

export interface SqliteDb {
  readonly driver: SqliteDriverName;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  /** Runs fn in one transaction: committed if it returns, rolled back if it throws. */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export type SqliteDriverName = 'node:sqlite' | 'better-sqlite3';

export interface OpenSqliteOptions {
  /** How long a write waits for another connection's lock before failing with "database is locked". */
  busyTimeoutMs: number;
}

/** The shape of node:sqlite's DatabaseSync that is used here (typed locally: @types/node is Node 20's). */
interface NodeSqliteModule {
  DatabaseSync: new (file: string, options: { timeout: number }) => {
    prepare(sql: string): SqliteStatement;
    exec(sql: string): void;
    close(): void;
  };
}

interface BetterSqliteDatabase {
  prepare(sql: string): SqliteStatement;
  exec(sql: string): void;
  close(): void;
  transaction<T>(fn: () => T): () => T;
}
type BetterSqliteConstructor = new (file: string, options: { timeout: number }) => BetterSqliteDatabase;

export function sqliteDriverName(): SqliteDriverName {
  return builtinSqlite() ? 'node:sqlite' : 'better-sqlite3';
}

export function openSqlite(file: string, options: OpenSqliteOptions): SqliteDb {
  const builtin = builtinSqlite();
  return builtin ? openBuiltin(builtin, file, options) : openBetterSqlite(file, options);
}

function builtinSqlite(): NodeSqliteModule | undefined {
  // getBuiltinModule answers undefined where the module does not exist (Node 20) instead of throwing.
  return process.getBuiltinModule?.('node:sqlite') as NodeSqliteModule | undefined;
}

function openBuiltin(module: NodeSqliteModule, file: string, options: OpenSqliteOptions): SqliteDb {
  // `timeout` is honoured from Node 22.16 and 24; on 22.13-22.15 a locked file fails a write at once,
  // which the callers already treat as "state store unavailable": the action is refused.
  const db = new module.DatabaseSync(file, { timeout: options.busyTimeoutMs });
  return {
    driver: 'node:sqlite',
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => db.exec(sql),
    transaction<T>(fn: () => T): T {
      db.exec('BEGIN');
      try {
        const result = fn();
        db.exec('COMMIT');
        return result;
      } catch (err) {
        try {
          db.exec('ROLLBACK');
        } catch {
          // SQLite already rolled back by itself (e.g. after SQLITE_FULL).
        }
        throw err;
      }
    },
    close: () => db.close(),
  };
}

function openBetterSqlite(file: string, options: OpenSqliteOptions): SqliteDb {
  // Loaded only where it is used: an optional dependency, absent from the Node 24 image.
  let Database: BetterSqliteConstructor;
  try {
    Database = createRequire(import.meta.url)('better-sqlite3') as BetterSqliteConstructor;
  } catch (err) {
    throw new Error(
      `SQLite is unavailable: Node.js ${process.versions.node} has no node:sqlite and better-sqlite3 could not be loaded ` +
        `(${(err as Error).message.split('\n')[0]}). Use Node.js 22.13 or later, or install better-sqlite3.`,
      { cause: err },
    );
  }
  const db = new Database(file, { timeout: options.busyTimeoutMs });
  return {
    driver: 'better-sqlite3',
    prepare: (sql) => db.prepare(sql),
    exec: (sql) => db.exec(sql),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    close: () => db.close(),
  };
}
