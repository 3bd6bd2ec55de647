import type { SessionOutcome } from '../../actions/executors.js';
import type { TerminateIdlePlan } from '../../actions/remediation-plan.js';

type Query = <R extends object>(text: string, values?: unknown[]) => Promise<{ rows: R[] }>;

/**
 * The runbook's fix 4, one planned session at a time, each re-checked in the same statement that
 * terminates it: still the same backend (pid and backend_start, so a reused pid is never hit),
 * still idle for longer than the threshold, a client backend of this database (never a replication
 * connection), still one of the app's sessions (APP_DB_USER / APP_APPLICATION_NAME), never a
 * superuser's, and not dbpool itself.
 */
const TERMINATE_SQL = `
SELECT pg_terminate_backend(a.pid) AS terminated
FROM pg_stat_activity a
WHERE a.pid = $1::int
  AND date_trunc('milliseconds', a.backend_start) = date_trunc('milliseconds', $2::timestamptz)
  AND a.datname = current_database()
  AND a.backend_type = 'client backend'
  AND a.state = 'idle'
  AND a.state_change < now() - make_interval(secs => $3::float8 * 60)
  AND a.pid <> pg_backend_pid()
  AND a.application_name IS DISTINCT FROM $4::text
  AND NOT EXISTS (SELECT 1 FROM pg_roles r WHERE r.oid = a.usesysid AND r.rolsuper)
  AND ($5::text IS NULL OR a.usename = $5::text)
  AND ($6::text IS NULL OR a.application_name = $6::text)`;

/** Whose sessions may be terminated: the app's, as APP_DB_USER and APP_APPLICATION_NAME say. */
export interface AppSessionFilter {
  user: string | undefined;
  applicationName: string | undefined;
}

/** Why a planned session was left alone: gone (or replaced by another backend), or busy again. */
const WHY_NOT_SQL = `
SELECT date_trunc('milliseconds', a.backend_start) = date_trunc('milliseconds', $2::timestamptz) AS same
FROM pg_stat_activity a WHERE a.pid = $1::int`;

export async function terminateIdleSessions(
  query: Query,
  sessions: TerminateIdlePlan['sessions'],
  minutes: number,
  ownApplicationName: string,
  app: AppSessionFilter,
): Promise<SessionOutcome[]> {
  const outcomes: SessionOutcome[] = [];
  for (const s of sessions) {
    try {
      const { rows } = await query<{ terminated: boolean }>(TERMINATE_SQL, [s.pid, s.backendStart, minutes, ownApplicationName, app.user ?? null, app.applicationName ?? null]);
      if (rows[0]?.terminated) {
        outcomes.push({ pid: s.pid, outcome: 'terminated' });
        continue;
      }
      if (rows.length > 0) {
        outcomes.push({ pid: s.pid, outcome: 'not_terminated' });
        continue;
      }
      const why = await query<{ same: boolean }>(WHY_NOT_SQL, [s.pid, s.backendStart]);
      outcomes.push({ pid: s.pid, outcome: why.rows[0]?.same ? 'no_longer_idle' : 'gone' });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      // 42501: the role may not signal this backend (a superuser's, or without pg_signal_backend).
      outcomes.push({ pid: s.pid, outcome: e.code === '42501' ? 'not_permitted' : 'error', detail: e.message ?? String(err) });
    }
  }
  return outcomes;
}

/** The planned sessions that still exist as the same backend: what a plan left running did not reach. */
export async function sessionsStillPresent(query: Query, sessions: TerminateIdlePlan['sessions']): Promise<number[]> {
  const present: number[] = [];
  for (const s of sessions) {
    const { rows } = await query<{ same: boolean }>(WHY_NOT_SQL, [s.pid, s.backendStart]);
    if (rows[0]?.same) present.push(s.pid);
  }
  return present;
}
