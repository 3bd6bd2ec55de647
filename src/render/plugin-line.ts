import { inTransaction, runningCount } from '../core/derived-facts.js';
import type { Report } from '../core/report.js';
import { fitRatio } from '../core/thresholds.js';
import type { Verdict } from '../core/verdict.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';

/**
 * The report as one Nagios/Icinga plugin line, as check_postgres and check_pgactivity print it:
 *   DBPOOL CRITICAL - <summary> | label=value;warn;crit;min;max ...
 * The status word and the performance data are the plugin convention (parsed by monitoring
 * systems, so never translated); the summary is the report's language.
 */
const STATUS_WORD: Record<Verdict, string> = { OK: 'OK', WARN: 'WARNING', CRIT: 'CRITICAL', UNKNOWN: 'UNKNOWN' };

export function renderPluginLine(report: Report, t: Catalog, f: Formatter): string {
  return `DBPOOL ${STATUS_WORD[report.verdict]} - ${pluginSummary(report, t, f)}${perfdataSuffix(report)}\n`;
}

function pluginSummary(report: Report, t: Catalog, f: Formatter): string {
  const pg = report.facts.postgres;
  if (!pg.ok) return t.plugin.unreachable({ source: pg.error.source, kind: pg.error.kind, message: pg.error.message }, f);
  const { math } = report;
  const parts = [t.plugin.connections({ connections: math.server?.used ?? pg.facts.clientConnections, usable: math.usableSlots ?? 0 }, f)];
  if (math.appCapacity !== null && math.instances.length > 0) {
    parts.push(t.plugin.demand({ demand: math.knownDemand, capacity: math.appCapacity, unknown: math.unknownDemandInstances }, f));
  }
  const worst = report.findings[0];
  if (worst && worst.severity !== 'info') parts.push(t.finding[worst.code](worst.params as never, f));
  return parts.join(', ');
}

/** Threshold of a "value above N alerts" check: the last value that is still fine. */
function lastFine(limit: number, ratio: number): number {
  return Math.max(0, Math.ceil(limit * ratio) - 1);
}

interface Perf {
  label: string;
  value: number;
  warn?: number;
  crit?: number;
  min?: number;
  max?: number;
}

/** Performance data, only of what was measured: an unknown value is left out, never written as 0. */
export function perfdata(report: Report): Perf[] {
  const pg = report.facts.postgres;
  if (!pg.ok) return [];
  const { math, settings } = report;
  const th = settings.thresholds;
  const usable = math.usableSlots ?? 0;
  const out: Perf[] = [
    // The usage (app and other clients); dbpool's own connections apart, as `dbpool_own`.
    { label: 'connections', value: math.server?.used ?? pg.facts.clientConnections, warn: lastFine(usable, th.warnUtilization), crit: lastFine(usable, th.critUtilization), min: 0, max: usable },
    { label: 'dbpool_own', value: pg.facts.ownConnections, min: 0 },
    { label: 'max_connections', value: pg.facts.maxConnections, min: 0 },
    { label: 'active', value: pg.facts.states.active, min: 0 },
    { label: 'idle', value: pg.facts.states.idle, min: 0 },
    { label: 'idle_in_transaction', value: inTransaction(pg.facts.states), min: 0 },
    { label: 'idle_old', value: pg.facts.idleSessions.length, min: 0 },
  ];
  // Null while a source is unread (or none is configured): then neither instances nor demand are known.
  const running = runningCount(report.facts);
  if (running !== null) out.push({ label: 'instances', value: running, min: 0 });
  if (math.appCapacity !== null && math.totalDemand !== null && running !== null) {
    out.push(
      { label: 'demand', value: math.totalDemand, warn: lastFine(math.appCapacity, fitRatio(th)), crit: math.appCapacity, min: 0 },
      { label: 'app_capacity', value: math.appCapacity, min: 0 },
    );
  }
  return out;
}

function perfdataSuffix(report: Report): string {
  const items = perfdata(report);
  if (items.length === 0) return '';
  const field = (n: number | undefined) => (n === undefined ? '' : String(n));
  const text = items.map((p) => `${p.label}=${p.value};${field(p.warn)};${field(p.crit)};${field(p.min)};${field(p.max)}`.replace(/;+$/, ''));
  return ` | ${text.join(' ')}`;
}
