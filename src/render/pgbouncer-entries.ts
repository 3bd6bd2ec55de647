import type { Report } from '../core/report.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import type { DocEntry } from './report-document.js';

/** The PgBouncer section: each PgBouncer's two layers, then PostgreSQL's side of all of them. */
export function pgbouncerEntries(report: Report, t: Catalog, f: Formatter): DocEntry[] {
  const b = report.pgbouncer;
  const entries: DocEntry[] = [];
  if (!b.configured) entries.push({ text: t.label.pgbouncerNotConfigured, severity: 'info' });
  for (const layer of b.bouncers) {
    const observation = (report.facts.pgbouncers ?? []).find((o) => o.address === layer.address);
    if (!observation?.ok || !layer.settings || layer.clients === null) {
      entries.push({ text: t.label.pgbouncerUnread({ address: layer.address, message: observation && !observation.ok ? observation.error.message : '', hint: observation && !observation.ok ? (observation.error.hint ?? null) : null }, f), severity: 'warn' });
      continue;
    }
    const s = layer.settings;
    const sizes = new Set(layer.pairs.map((p) => p.poolSize));
    const reserves = layer.pairs.map((p) => p.reserve);
    const unknown = report.math.instances.filter((d) => layer.instances.includes(d.name) && d.demand === null).length;
    const lines = [
      t.label.pgbouncerHeader({ address: layer.address, version: observation.facts.version, poolMode: s.poolMode }, f),
      t.label.pgbouncerClients(
        { clients: layer.clients, max: s.maxClientConn, console: layer.consoleClients ?? 0, demand: layer.clientDemand, instances: layer.instances, unknown },
        f,
      ),
      t.label.pgbouncerServers(
        {
          pairs: layer.pairs.length,
          poolSize: sizes.size === 1 ? ([...sizes][0] ?? null) : null,
          reserve: reserves.length > 0 ? Math.max(...reserves) : 0,
          limit: layer.serverLimit ?? 0,
          cappedBy: layer.cappedBy,
          open: layer.serverConnections ?? 0,
        },
        f,
      ),
    ];
    if ((layer.waiting ?? 0) > 0) lines.push(t.label.pgbouncerWaiting({ waiting: layer.waiting ?? 0, maxWaitSeconds: layer.maxWaitSeconds ?? 0 }, f));
    entries.push({ text: lines.join('\n') });
  }
  if (b.serverDemand !== null && b.serverCapacity !== null) {
    const servers = b.serverDemand - b.directDemand;
    entries.push({
      text: t.label.pgbouncerServerTotal({ servers, direct: b.directDemand, capacity: b.serverCapacity }, f),
      severity: b.serverDemand > b.serverCapacity ? 'crit' : undefined,
    });
  }
  return entries;
}
