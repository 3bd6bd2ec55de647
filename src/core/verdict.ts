import type { Finding } from './findings.js';

export type Verdict = 'OK' | 'WARN' | 'CRIT' | 'UNKNOWN';

/** Nagios/Icinga plugin exit codes, so `dbpool status` doubles as a check. */
export const VERDICT_EXIT_CODE: Record<Verdict, number> = { OK: 0, WARN: 1, CRIT: 2, UNKNOWN: 3 };

/**
 * The worst finding decides. An unreachable database leaves the state unknown; a database that
 * refuses dbpool because it is full is known to be critical.
 */
export function decideVerdict(findings: Finding[]): Verdict {
  if (findings.some((f) => f.severity === 'crit' && f.code !== 'postgres_unreachable')) return 'CRIT';
  if (findings.some((f) => f.code === 'postgres_unreachable')) return 'UNKNOWN';
  if (findings.some((f) => f.severity === 'warn')) return 'WARN';
  return 'OK';
}
