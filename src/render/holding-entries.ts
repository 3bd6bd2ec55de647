import type { AppInstance } from '../core/facts.js';
import type { Report } from '../core/report.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import { cutList } from './cut-list.js';
import type { DocEntry, DocumentOptions } from './report-document.js';

/**
 * The measured holding (core/attribution.ts) as sentences: per instance beside its demand, per
 * process in the instances view, per instance and unattributed in the connections view.
 */

/** What the instance holds, measured, against what it could ask for; by process in the instances view. */
export function holdingLines(report: Report, i: AppInstance, t: Catalog, f: Formatter, o: DocumentOptions): string[] {
  const h = report.holding?.instances.find((x) => x.id === i.id);
  if (!h) return [];
  const demand = report.math.instances.find((d) => d.id === i.id)?.demand ?? null;
  const lines = [t.label.holding({ held: h.held, demand, method: h.method }, f)];
  if (report.view === 'instances' && h.processes.length > 0) {
    // The leaking ones first: they are what the engineer is looking for.
    const ordered = [...h.processes].sort((a, b) => b.held.idleInTransaction - a.held.idleInTransaction);
    const items = ordered.map((p) => t.label.processHolding({ pid: p.pid, role: p.role, held: p.held, poolSize: i.poolSize.value }, f));
    lines.push(`${t.label.byProcess}: ${cutList(items, o.maxItems, t, f).join(' · ')}`);
  }
  return lines;
}

export function holdingSummary(report: Report, t: Catalog, f: Formatter, o: DocumentOptions): DocEntry[] {
  const holding = report.holding;
  if (!holding) return [];
  const held = holding.instances
    .filter((h) => h.held.total > 0)
    .map((h) => ({ key: h.name, count: h.held.total }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  const list = held.length === 0 ? t.label.none : cutList(held.map((h) => `${f.code(h.key)} ${f.num(h.count)}`), o.maxItems, t, f).join(' · ');
  return [{ text: `${t.label.heldBy}: ${list}` }, ...unattributedEntry(report, t, f)];
}

export function unattributedEntry(report: Report, t: Catalog, f: Formatter): DocEntry[] {
  const u = report.holding?.unattributed;
  if (!u || u.total === 0) return [];
  return [{ text: t.label.unattributed({ total: u.total, unixSocket: u.unix_socket, hidden: u.hidden, ambiguous: u.ambiguous, noMatch: u.no_match }, f) }];
}
