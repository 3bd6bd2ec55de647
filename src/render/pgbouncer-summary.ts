import type { PgBouncerMath } from '../core/pgbouncer-math.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import type { DocEntry } from './report-document.js';

/**
 * "Pool math now" in the daily summary behind PgBouncer: each PgBouncer's clients against
 * max_client_conn and its server pools against PostgreSQL, instead of the app's pools against
 * max_connections (which they never reach).
 */
export function pgbouncerSummaryEntries(b: PgBouncerMath, t: Catalog, f: Formatter): DocEntry[] {
  const m = t.summary;
  return b.bouncers.map((layer): DocEntry => {
    if (!layer.read || !layer.settings || layer.clients === null) return { text: m.pgbouncerNowUnread({ address: layer.address }, f), severity: 'warn' };
    const full = layer.clients >= layer.settings.maxClientConn || (layer.waiting ?? 0) > 0;
    return {
      text: m.pgbouncerNow(
        {
          address: layer.address,
          clients: layer.clients,
          max: layer.settings.maxClientConn,
          demand: layer.clientDemand,
          waiting: layer.waiting ?? 0,
          servers: layer.serverLimit ?? 0,
          capacity: b.serverCapacity,
        },
        f,
      ),
      severity: full ? 'warn' : undefined,
    };
  });
}
