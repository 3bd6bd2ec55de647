import { allInstances } from '../core/derived-facts.js';
import type { AppInstance } from '../core/facts.js';
import type { Report } from '../core/report.js';
import type { ServiceGroup } from '../core/services.js';
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
    const replicaLinesOf = (replicas: ServiceGroup['replicas']) => {
      const shown = replicas.slice(0, o.maxItems);
      const lines = shown.flatMap((r) => [
        t.label.replicaLine({ name: r.name, node: r.node, state: r.state, createdAt: r.createdAt, now: report.generatedAt, inspected: r.inspected }, f),
        ...replicaLines(r.id).map((l) => `  ${l}`),
      ]);
      if (replicas.length > shown.length) lines.push(t.label.andMore({ count: replicas.length - shown.length }, f));
      return lines;
    };
    const lines = g.kubernetes ? replicaSetLines(report, g, t, f, replicaLinesOf) : replicaLinesOf(g.replicas);
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

/** A Deployment's pods under their ReplicaSets, newest revision first, with the connections each ReplicaSet's pods hold. */
function replicaSetLines(report: Report, g: ServiceGroup, t: Catalog, f: Formatter, podLines: (replicas: ServiceGroup['replicas']) => string[]): string[] {
  const sets = g.kubernetes?.replicaSets ?? [];
  const rsOf = new Map(allInstances(report.facts).flatMap((i) => (i.service?.replicaSet ? [[i.id, i.service.replicaSet.name] as const] : [])));
  const heldBy = new Map((report.holding?.instances ?? []).map((h) => [h.id, h.held.total]));
  const lines: string[] = [];
  sets.forEach((rs, index) => {
    const pods = g.replicas.filter((r) => rsOf.get(r.id) === rs.name);
    const held = report.holding ? pods.reduce((n, p) => n + (heldBy.get(p.id) ?? 0), 0) : null;
    lines.push(t.label.replicaSetLine({ name: rs.name, revision: rs.revision, current: index === 0, ready: rs.ready, desired: rs.desired, pods: rs.pods, held }, f));
    lines.push(...podLines(pods).map((l) => `  ${l}`));
  });
  const listed = new Set(sets.map((s) => s.name));
  lines.push(...podLines(g.replicas.filter((r) => !listed.has(rsOf.get(r.id) ?? ''))));
  return lines;
}
