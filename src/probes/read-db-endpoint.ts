import type { DbEndpoint } from '../core/facts.js';

/** Connection strings apps are usually given, in the order they are tried. */
const DSN_VARIABLES = ['DB_DSN', 'DATABASE_URL', 'DB_URL', 'POSTGRES_URL', 'PG_DSN'];
/** Host and port pairs, in the order they are tried. */
const HOST_PORT_VARIABLES: [string, string][] = [
  ['DB_HOST', 'DB_PORT'],
  ['DATABASE_HOST', 'DATABASE_PORT'],
  ['POSTGRES_HOST', 'POSTGRES_PORT'],
  ['PGHOST', 'PGPORT'],
];

/**
 * Where an instance sends its database connections, from its environment: a URL
 * (postgres://…@host:port/db), a PDO DSN (pgsql:host=…;port=…) or a libpq conninfo
 * (host=… port=…), else a host/port pair. Only the host and port are kept (a DSN may hold a
 * password). Null when no variable says.
 */
export function readDbEndpoint(environment: ReadonlyMap<string, string> | readonly string[] | null): DbEndpoint | null {
  if (environment === null) return null;
  const env = Array.isArray(environment) ? entriesOf(environment) : (environment as ReadonlyMap<string, string>);
  for (const variable of DSN_VARIABLES) {
    const raw = env.get(variable)?.trim();
    if (!raw) continue;
    const parsed = parseDsn(raw);
    if (parsed && (parsed.host !== null || parsed.port !== null)) return { ...parsed, variables: [variable] };
  }
  for (const [hostVar, portVar] of HOST_PORT_VARIABLES) {
    const host = env.get(hostVar)?.split(',')[0]?.trim() || null;
    const port = toPort(env.get(portVar));
    if (host === null && port === null) continue;
    return { host, port, variables: [hostVar, portVar].filter((v) => env.has(v)) };
  }
  return null;
}

export function parseDsn(raw: string): { host: string | null; port: number | null } | null {
  if (/^postgres(ql)?:\/\//i.test(raw)) {
    try {
      const url = new URL(raw);
      return { host: decodeURIComponent(url.hostname) || url.searchParams.get('host') || null, port: toPort(url.port || url.searchParams.get('port')) };
    } catch {
      return null;
    }
  }
  // PDO: "pgsql:host=db;port=6432;dbname=madras"; libpq: "host=db port=6432 dbname=madras".
  const body = raw.replace(/^pgsql:/i, '');
  const pairs = new Map<string, string>();
  for (const m of body.matchAll(/(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|[^\s;]*)/g)) {
    pairs.set((m[1] ?? '').toLowerCase(), (m[2] ?? '').replace(/^'|'$/g, ''));
  }
  if (pairs.size === 0) return null;
  // libpq allows several hosts ("h1,h2"): the first is where it tries first.
  const host = pairs.get('host')?.split(',')[0]?.trim() || pairs.get('hostaddr')?.split(',')[0]?.trim() || null;
  return { host, port: toPort(pairs.get('port')?.split(',')[0]) };
}

/** A container's Config.Env ("NAME=value" entries) as a map. */
function entriesOf(entries: readonly string[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq > 0) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return vars;
}

function toPort(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined || !/^\s*\d+\s*$/.test(raw)) return null;
  const n = Number(raw);
  return n > 0 && n < 65536 ? n : null;
}
