/**
 * Who really holds which connection, independently of dbpool: the Swoole app prints, per process,
 * its pid and the server's pg_backend_pid() of every pooled connection; pg_stat_activity says the
 * rest. No vitest imports.
 */
import { readFileSync } from 'node:fs';
import type pg from 'pg';

export interface PrintedPools {
  /** pid as the app saw it (the container's own pid namespace, for a container) -> backend pids. */
  byPid: Map<number, number[]>;
}

/** The app's "holds N of M connections (pid P, backends …)" lines; a pid printed twice keeps its last line. */
export function printedPools(log: string): PrintedPools {
  const byPid = new Map<number, number[]>();
  for (const m of log.matchAll(/ holds \d+ of \d+ connections \(pid (\d+), backends ([\d ]*)\)/g)) {
    byPid.set(Number(m[1]), (m[2] ?? '').split(' ').filter(Boolean).map(Number).sort((a, b) => a - b));
  }
  return { byPid };
}

/** A host pid as the process's own (innermost) pid namespace numbers it: NSpid in /proc/<pid>/status. */
export function innermostPid(hostPid: number, procRoot = '/proc'): number | null {
  try {
    const line = /^NSpid:\s+(.*)$/m.exec(readFileSync(`${procRoot}/${hostPid}/status`, 'utf8'))?.[1];
    const pids = line?.trim().split(/\s+/).map(Number);
    return pids?.at(-1) ?? null;
  } catch {
    return null;
  }
}

export interface ActivityRow {
  pid: number;
  application_name: string;
  state: string | null;
  usename: string | null;
}

/** Client backends of the current database other than `excludePid`, from pg_stat_activity. */
export async function activity(admin: pg.Client): Promise<ActivityRow[]> {
  const { rows } = await admin.query<ActivityRow>(
    `SELECT pid, application_name, state, usename FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND datname = current_database() AND application_name <> 'dbpool'
      ORDER BY pid`,
  );
  return rows;
}

/** Counts by state, as dbpool's HeldCounts has them. */
export function stateCounts(rows: ActivityRow[]): { total: number; active: number; idle: number; idleInTransaction: number; other: number } {
  const c = { total: rows.length, active: 0, idle: 0, idleInTransaction: 0, other: 0 };
  for (const r of rows) {
    if (r.state === 'active') c.active++;
    else if (r.state === 'idle') c.idle++;
    else if (r.state?.startsWith('idle in transaction')) c.idleInTransaction++;
    else c.other++;
  }
  return c;
}
