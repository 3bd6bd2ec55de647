import type { Facts, InstanceObservation, InstanceSource, ObserveOptions, PgBouncerObservation, PostgresObservation } from '../core/facts.js';

/** What the diagnosis needs of the PostgreSQL probe. */
export interface PostgresObserver {
  observe(options: { idleMinutes: number }): Promise<PostgresObservation>;
}

/** What the diagnosis needs of a PgBouncer probe (it never throws, like the PostgreSQL probe). */
export interface PgBouncerObserver {
  observe(): Promise<PgBouncerObservation>;
}

export interface FactSources {
  postgres: PostgresObserver;
  instanceSources: InstanceSource[];
  /** One per DBPOOL_PGBOUNCER_URL entry; none when PgBouncer is not configured. */
  pgbouncers?: PgBouncerObserver[];
  now: () => Date;
  /** Upper bound for one instance source, on top of its own timeouts. */
  sourceTimeoutMs: number;
}

/** Runs every probe at once; each one turns its failures into facts, so this never throws. */
export async function collectFacts(sources: FactSources, options: { idleMinutes: number } & ObserveOptions): Promise<Facts> {
  const observedAt = sources.now().toISOString();
  const [postgres, instances, pgbouncers] = await Promise.all([
    sources.postgres.observe({ idleMinutes: options.idleMinutes }),
    observeInstanceSources(sources.instanceSources, sources.sourceTimeoutMs, { logsSince: options.logsSince }),
    Promise.all((sources.pgbouncers ?? []).map((p) => p.observe())),
  ]);
  return { observedAt, postgres, instances, pgbouncers };
}

/** Every instance source at once, each bounded by the deadline; failures are observations too. */
export function observeInstanceSources(instanceSources: InstanceSource[], timeoutMs: number, options: ObserveOptions = {}): Promise<InstanceObservation[]> {
  return Promise.all(instanceSources.map((s) => observeWithDeadline(s, timeoutMs, options)));
}

async function observeWithDeadline(source: InstanceSource, timeoutMs: number, options: ObserveOptions): Promise<InstanceObservation> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<InstanceObservation>((resolve) => {
    timer = setTimeout(() => {
      controller.abort();
      resolve({
        source: source.name,
        ok: false,
        instances: [],
        error: { kind: 'timeout', source: source.name, message: '', hint: { code: 'no_answer', ms: timeoutMs } },
      });
    }, timeoutMs);
  });
  try {
    return await Promise.race([
      source.observe(controller.signal, options).catch(
        (err: unknown): InstanceObservation => ({
          source: source.name,
          ok: false,
          instances: [],
          error: { kind: 'other', source: source.name, message: err instanceof Error ? err.message : String(err) },
        }),
      ),
      deadline,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
