import type { Finding } from './findings.js';

export type Verdict = 'OK' | 'WARN' | 'CRIT' | 'UNKNOWN';

/** Nagios/Icinga plugin exit codes, so `dbpool status` doubles as a check. */
export const VERDICT_EXIT_CODE: Record<Verdict, number> = { OK: 0, WARN: 1, CRIT: 2, UNKNOWN: 3 };

/**
 * The worst finding decides. A database that refuses dbpool because it is full is known to be
 * critical; an unreachable one (down, refused, timed out) leaves the state unknown, whatever older
 * evidence says (the app's log of an earlier "too many clients" is no reading of the server now).
 */
export function decideVerdict(findings: Finding[]): Verdict {
  if (findings.some((f) => f.code === 'postgres_unreachable')) return 'UNKNOWN';
  if (findings.some((f) => f.severity === 'crit')) return 'CRIT';
  if (findings.some((f) => f.severity === 'warn')) return 'WARN';
  return 'OK';
}
