import type { ProbeErrorKind } from '../core/facts.js';
import type { Sample } from '../core/sample-from-report.js';
import type { StateDb } from './state-store.js';

interface Row {
  at: number;
  ok: number;
  client_connections: number | null;
  usable: number | null;
  max_connections: number | null;
  app_demand: number | null;
  instances: number | null;
  extra_instances: number | null;
  refused: number;
  log_refusals: number | null;
  error_kind: string | null;
}

/** The samples table of the state store: append, read a time range, purge old rows. */
export class HistoryStore {
  private readonly insert;
  private readonly range;

  constructor(private readonly db: StateDb) {
    this.insert = db.prepare(
      `INSERT INTO samples (at, ok, client_connections, usable, max_connections, app_demand, instances,
                            extra_instances, refused, log_refusals, error_kind)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.range = db.prepare(`SELECT * FROM samples WHERE at >= ? AND at < ? ORDER BY at`);
  }

  append(s: Sample): void {
    this.insert.run(
      s.at.getTime(),
      s.ok ? 1 : 0,
      s.ok ? s.clientConnections : null,
      s.ok ? s.usable : null,
      s.ok ? s.maxConnections : null,
      s.ok ? s.appDemand : null,
      s.instances,
      s.extraInstances,
      s.refused ? 1 : 0,
      s.logRefusals,
      s.errorKind,
    );
  }

  /** Many samples in one transaction (imports, tests, the bench). */
  appendMany(samples: Iterable<Sample>): void {
    this.db.transaction(() => {
      for (const s of samples) this.append(s);
    });
  }

  /** Samples with from <= at < to, oldest first. */
  between(from: Date, to: Date): Sample[] {
    return (this.range.all(from.getTime(), to.getTime()) as Row[]).map(fromRow);
  }

  /** Deletes samples older than `retentionDays` before `now`; returns how many went. */
  purge(now: Date, retentionDays: number): number {
    const cutoff = now.getTime() - retentionDays * 86_400_000;
    return this.db.prepare(`DELETE FROM samples WHERE at < ?`).run(cutoff).changes;
  }

  count(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM samples`).get() as { n: number }).n;
  }
}

function fromRow(r: Row): Sample {
  return {
    at: new Date(r.at),
    ok: r.ok === 1,
    clientConnections: r.client_connections,
    usable: r.usable,
    maxConnections: r.max_connections,
    appDemand: r.app_demand,
    instances: r.instances,
    extraInstances: r.extra_instances,
    refused: r.refused === 1,
    logRefusals: r.log_refusals,
    errorKind: r.error_kind as ProbeErrorKind | null,
  };
}
