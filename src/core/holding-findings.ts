import type { Finding, FindingInput } from './findings.js';

/**
 * Findings from the measured holding (core/attribution.ts): an instance that holds connections and
 * has used none of them for longer than the idle threshold (the old instance left running after a
 * deploy), and the process that leaves connections idle in transaction.
 */
export function holdingFindings({ holding, math, thresholds }: FindingInput): Finding[] {
  if (!holding) return [];
  const out: Finding[] = [];
  // Idle pools are normal on a quiet night; they matter when the server is short of slots.
  const serverBusy = math.utilization !== null && math.utilization >= thresholds.warnUtilization;
  for (const h of holding.instances) {
    const quiet = h.quietSeconds ?? 0;
    if (h.held.total > 0 && h.held.idle === h.held.total && quiet >= thresholds.idleMinutes * 60) {
      out.push({
        code: 'instance_holds_idle',
        severity: serverBusy ? 'warn' : 'info',
        params: { instance: h.name, held: h.held.total, minutes: Math.floor(quiet / 60) },
      });
    }
    for (const p of h.processes) {
      if (p.held.idleInTransaction === 0) continue;
      out.push({
        code: 'process_idle_in_transaction',
        severity: 'warn',
        params: { instance: h.name, pid: p.pid, role: p.role, count: p.held.idleInTransaction, held: p.held.total, oldestSeconds: p.oldestIdleInTransactionSeconds },
      });
    }
  }
  return out;
}
