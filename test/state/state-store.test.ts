import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSqlite, sqliteDriverName } from '../../src/state/sqlite.js';
import { openStateDb } from '../../src/state/state-store.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-state-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const version = (db: ReturnType<typeof openStateDb>) => (db.prepare('PRAGMA user_version').get() as { user_version: number }).user_version;

describe('state store', () => {
  it('uses Node’s built-in SQLite where the runtime has it, better-sqlite3 otherwise', () => {
    const builtin = process.getBuiltinModule?.('node:sqlite') !== undefined;
    expect(sqliteDriverName()).toBe(builtin ? 'node:sqlite' : 'better-sqlite3');
    const db = openStateDb(':memory:');
    expect(db.driver).toBe(sqliteDriverName());
    db.close();
  });

  it('migrates a new file, keeps its rows on reopening and migrates nothing twice', () => {
    const file = path.join(dir, 'nested', 'dbpool.sqlite');
    const first = openStateDb(file);
    expect(version(first)).toBe(4);
    first.prepare(`INSERT INTO summary_runs (local_date, claimed_at, claimed_by, status) VALUES (?, ?, ?, 'claimed')`).run('2026-11-26', 'x', 'a');
    first.close();
    const again = openStateDb(file);
    expect(version(again)).toBe(4);
    expect(again.prepare('SELECT claimed_by FROM summary_runs').all()).toEqual([expect.objectContaining({ claimed_by: 'a' })]);
    again.close();
  });

  it('brings a store of the first version up to date without touching its plans', () => {
    const file = path.join(dir, 'v1.sqlite');
    const v1 = openSqlite(file, { busyTimeoutMs: 100 });
    v1.exec(`CREATE TABLE plans (id TEXT PRIMARY KEY, action TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL,
               created_at TEXT NOT NULL, expires_at TEXT NOT NULL, approved_by TEXT, approved_at TEXT);
             CREATE TABLE audit (seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, event TEXT NOT NULL, plan_id TEXT,
               action TEXT, actor TEXT, detail TEXT NOT NULL DEFAULT '{}');
             INSERT INTO plans (id, action, body, status, created_at, expires_at) VALUES ('p1', 'terminate_idle', '{}', 'pending', 'x', 'y');
             PRAGMA user_version = 1;`);
    v1.close();
    const db = openStateDb(file);
    expect(version(db)).toBe(4);
    expect(db.prepare('SELECT count(*) AS n FROM samples').get()).toEqual(expect.objectContaining({ n: 0 }));
    expect(db.prepare(`SELECT status FROM plans WHERE id = 'p1'`).get()).toEqual(expect.objectContaining({ status: 'pending' }));
    db.close();
  });

  it('a transaction commits what its function wrote, or nothing when it throws', () => {
    const db = openSqlite(':memory:', { busyTimeoutMs: 100 });
    db.exec('CREATE TABLE t (n INTEGER)');
    const insert = db.prepare('INSERT INTO t VALUES (?)');
    expect(db.transaction(() => (insert.run(1), insert.run(2), 'done'))).toBe('done');
    expect(() =>
      db.transaction(() => {
        insert.run(3);
        throw new Error('half-way');
      }),
    ).toThrow('half-way');
    expect(db.prepare('SELECT n FROM t ORDER BY n').all().map((r) => (r as { n: number }).n)).toEqual([1, 2]);
    db.close();
  });

  it('a write waits for another connection’s lock, then fails with "database is locked"', () => {
    const file = path.join(dir, 'locked.sqlite');
    openStateDb(file).close();
    const locker = openSqlite(file, { busyTimeoutMs: 100 });
    const db = openStateDb(file);
    locker.exec('BEGIN EXCLUSIVE');
    try {
      expect(() => db.prepare(`UPDATE plans SET status = 'x'`).run()).toThrow(/locked/);
    } finally {
      locker.exec('ROLLBACK');
      locker.close();
    }
    expect(db.prepare(`UPDATE plans SET status = 'x'`).run().changes).toBe(0);
    db.close();
  });
});
