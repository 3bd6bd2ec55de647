import type { AppInstance } from '../core/facts.js';
import type { Report } from '../core/report.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import type { DocEntry, DocumentOptions } from './report-document.js';

/**
 * Issue #13: the instances section speaks of services. Each orchestrated service is one entry
 * (replicas running/desired, created and updated, the node of each replica); bare containers and
 * processes follow as before, a container's restart policy said where it matters for a stop.
 */
export function serviceEntries(report: Report, t: Catalog, f: Formatter, o: DocumentOptions, replicaLines: (id: string) => string[] = () => []): DocEntry[] {
  return report.services.slice(0, o.maxItems).map((g) => {
    const head = t.label.serviceLine(
      {
        kind: g.kind,
        name: g.name,
        mode: g.mode,
        running: g.running,
        desired: g.desired,
        createdAt: g.createdAt,
        updatedAt: g.updatedAt,
        now: report.generatedAt,
        image: g.image,
        location: g.location,
        read: g.read,
        composeFile: g.compose?.configFiles[0] ?? null,
      },
      f,
    );
    const shown = g.replicas.slice(0, o.maxItems);
    const lines = shown.flatMap((r) => [
      t.label.replicaLine({ name: r.name, node: r.node, state: r.state, createdAt: r.createdAt, now: report.generatedAt, inspected: r.inspected }, f),
      ...replicaLines(r.id).map((l) => `  ${l}`),
    ]);
    if (g.replicas.length > shown.length) lines.push(t.label.andMore({ count: g.replicas.length - shown.length }, f));
    return { text: [head, ...lines.map((l) => `  ${l}`)].join('\n') };
  });
}

/** After a bare container's line: what its restart policy means for a stop (always comes back). */
export function restartNote(i: AppInstance, t: Catalog, f: Formatter): string {
  return i.source === 'docker' && i.restartPolicy && i.restartPolicy !== 'no' ? ` · ${t.label.restartPolicy({ policy: i.restartPolicy }, f)}` : '';
}

/** The pool math per service: its replicas' full pools summed. */
export function serviceMathEntries(report: Report, t: Catalog, f: Formatter): DocEntry[] {
  return report.services
    .filter((g) => g.running > 0)
    .map((g) => ({ text: t.label.serviceMathLine({ kind: g.kind, name: g.name, replicas: g.running, demand: g.demand }, f) }));
}
