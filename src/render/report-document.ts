import { allInstances, runningInstances, sumPatterns, usableSlots } from '../core/derived-facts.js';
import type { CountByKey, PostgresFacts } from '../core/facts.js';
import type { Severity } from '../core/findings.js';
import { serverCapacity } from '../core/pool-math.js';
import type { Report } from '../core/report.js';
import type { Verdict } from '../core/verdict.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import { cutList } from './cut-list.js';
import { HEADLINE_MAX, headlineText } from './headline-text.js';
import { pgbouncerEntries } from './pgbouncer-entries.js';
import { holdingLines, holdingSummary, unattributedEntry } from './holding-entries.js';
import { restartNote, serviceEntries, serviceMathEntries } from './service-entries.js';

/**
 * A report as sentences, in one language, independent of the medium. The terminal, Block Kit and
 * any later renderer lay out this document; none of them re-reads the facts or redoes the math.
 */
export interface ReportDocument {
  lang: Formatter['lang'];
  dir: Catalog['dir'];
  verdict: Verdict;
  /** `math`: a calculation; renderers do not dress it as an incident (no red, no alarm emoji). */
  whatIf?: boolean;
  title: string;
  headline: string;
  sections: DocSection[];
  context: string[];
}

export type SectionId =
  | 'connections'
  | 'poolMath'
  | 'instances'
  | 'workers'
  | 'config'
  | 'idle'
  | 'findings'
  | 'recommendations'
  | 'pgbouncer';

export interface DocSection {
  id: SectionId;
  title: string;
  entries: DocEntry[];
}

export interface DocEntry {
  text: string;
  severity?: Severity;
  /** The entry's number in an ordered list ("1.", "۱."), in the report's digits. */
  ordinal?: string;
  /** Exact lines to apply, shown verbatim (SQL, env, shell). */
  code?: string[];
}

export interface DocumentOptions {
  /** Longest list shown before "… and N more". */
  maxItems: number;
}

const VIEW_SECTIONS: Record<Report['view'], SectionId[]> = {
  status: ['connections', 'poolMath', 'pgbouncer', 'instances', 'findings', 'recommendations'],
  connections: ['connections', 'pgbouncer', 'findings'],
  instances: ['instances', 'findings'],
  workers: ['workers', 'findings'],
  config: ['config', 'findings'],
  idle: ['idle', 'recommendations'],
  math: ['poolMath', 'findings', 'recommendations'],
};

export function buildDocument(report: Report, t: Catalog, f: Formatter, options: DocumentOptions): ReportDocument {
  // `idle` shows only the fix that applies to idle sessions.
  const onlyIdleFix = report.view === 'idle' ? (r: { code: string }) => r.code === 'terminate_idle' : undefined;
  const builders: Record<SectionId, () => DocEntry[]> = {
    connections: () => connectionEntries(report, t, f, options),
    poolMath: () => poolMathEntries(report, t, f),
    instances: () => instanceEntries(report, t, f, options),
    workers: () => workerEntries(report, t, f, options),
    config: () => configEntries(report, t, f, options),
    idle: () => idleEntries(report, t, f, options),
    findings: () => findingEntries(report, t, f),
    recommendations: () => recommendationEntries(report, t, f, onlyIdleFix),
    pgbouncer: () => pgbouncerEntries(report, t, f),
  };
  // The PgBouncer section only where one is in the path.
  const ids = VIEW_SECTIONS[report.view].filter((id) => id !== 'pgbouncer' || report.pgbouncer.inPath);
  const sections = ids.map((id) => ({
    id,
    title: id === 'poolMath' && report.view === 'math' ? t.section.whatIf : t.section[id],
    entries: builders[id](),
  }));
  const title = report.headline.whatIf ? t.headline.whatIfTitle : t.verdict[report.verdict];
  const context: string[] = [t.label.generatedAt({ at: f.dateTime(report.generatedAt) }, f)];
  const pg = report.facts.postgres;
  if (pg.ok && report.target) {
    context.push(t.label.server({ host: pg.facts.host, database: pg.facts.database, version: pg.facts.serverVersion }, f));
  }
  return {
    lang: f.lang,
    dir: t.dir,
    verdict: report.verdict,
    whatIf: report.headline.whatIf,
    title,
    headline: headlineText(report, t, f, HEADLINE_MAX - title.length - 3),
    sections,
    context,
  };
}

function connectionEntries(report: Report, t: Catalog, f: Formatter, o: DocumentOptions): DocEntry[] {
  const pg = report.facts.postgres;
  if (!pg.ok) return [{ text: t.label.postgresUnavailable({ message: pg.error.message, hint: pg.error.hint ?? null }, f), severity: 'crit' }];
  const p = pg.facts;
  const entries: DocEntry[] = [
    { text: usageLine(p, t, f) },
    { text: t.label.database({ database: p.database, connections: p.databaseConnections }, f) },
    { text: `${t.label.states}: ${stateSummary(p, t, f)}` },
  ];
  if (!p.statesVisible) entries.push({ text: t.label.statesIncomplete({ hidden: p.states.hidden }, f), severity: 'info' });
  if (report.view === 'connections') {
    entries.push(
      { text: `${t.label.byApplication}: ${countList(p.byApplication, f, t, o)}` },
      { text: `${t.label.byUser}: ${countList(p.byUser, f, t, o)}` },
      { text: `${t.label.byClient}: ${countList(p.byClient, f, t, o)}` },
      { text: t.label.background({ count: p.backgroundProcesses }, f) },
      ...holdingSummary(report, t, f, o),
    );
    const ages: string[] = [];
    if (p.oldestIdleSeconds !== null) ages.push(t.label.oldestIdle({ seconds: p.oldestIdleSeconds }, f));
    if (p.oldestIdleInTransactionSeconds !== null) {
      ages.push(t.label.oldestIdleInTransaction({ seconds: p.oldestIdleInTransactionSeconds }, f));
    }
    if (ages.length > 0) entries.push({ text: ages.join(' · ') });
  }
  return entries;
}

export function usageLine(p: PostgresFacts, t: Catalog, f: Formatter): string {
  const s = serverCapacity(p);
  return t.label.usage({ connections: s.used, app: s.appConnections, other: s.otherClients, own: s.ownConnections, usable: usableSlots(p), max: p.maxConnections, reserved: s.reservedSlots }, f);
}

function stateSummary(p: PostgresFacts, t: Catalog, f: Formatter): string {
  const s = p.states;
  const parts: [string, number][] = [
    [t.label.active, s.active],
    [t.label.idle, s.idle],
    [t.label.idleInTransaction, s.idleInTransaction],
    [t.label.idleInTransactionAborted, s.idleInTransactionAborted],
    [t.label.otherState, s.other],
    [t.label.hiddenState, s.hidden],
  ];
  return parts
    .filter(([label, n]) => n > 0 || label === t.label.active || label === t.label.idle)
    .map(([label, n]) => `${label} ${f.num(n)}`)
    .join(' · ');
}

function countList(list: CountByKey[], f: Formatter, t: Catalog, o: DocumentOptions): string {
  if (list.length === 0) return t.label.none;
  return cutList(list.map((c) => `${f.code(c.key || '-')} ${f.num(c.count)}`), o.maxItems, t, f).join(' · ');
}

function poolMathEntries(report: Report, t: Catalog, f: Formatter): DocEntry[] {
  const m = report.math;
  const s = report.settings;
  const entries: DocEntry[] = m.instances.map((d) => ({
    text: t.label.mathLine(
      {
        name: d.name,
        workers: d.workers,
        workersOrigin: d.workersOrigin,
        taskWorkers: d.taskWorkers,
        untold: d.untold,
        customProcesses: d.customProcesses,
        poolSize: d.poolSize,
        poolSizeOrigin: d.poolSizeOrigin,
        total: d.demand,
        poolSizeVar: s.poolSizeVar,
      },
      f,
    ),
  }));
  if (m.instances.length === 0) entries.push({ text: t.label.noInstances });
  entries.push(...serviceMathEntries(report, t, f));
  // Behind PgBouncer the pools are compared with its max_client_conn (its own section), not with PostgreSQL.
  if (report.pgbouncer.inPath && m.instances.length > 0) {
    entries.push({ text: t.label.mathTotalViaPgBouncer({ demand: m.knownDemand, instances: m.instances.length, unknown: m.unknownDemandInstances }, f) });
    return entries;
  }
  entries.push({
    text: t.label.mathTotal(
      { demand: m.knownDemand, instances: m.instances.length, capacity: m.appCapacity, unknown: m.unknownDemandInstances, unread: m.unreadSources },
      f,
    ),
  });
  if (m.server && m.appCapacity !== null) {
    entries.push({
      text: t.label.capacityLine(
        { max: m.server.maxConnections, reserved: m.server.reservedSlots, other: m.server.otherClients, capacity: m.appCapacity },
        f,
      ),
    });
  }
  if (m.headroom !== null) {
    entries.push({ text: t.label.headroom({ headroom: m.headroom }, f), severity: m.headroom < 0 ? 'crit' : undefined });
  }
  return entries;
}

function sourceFailures(report: Report, t: Catalog, f: Formatter): DocEntry[] {
  return report.facts.instances
    .filter((s) => !s.ok && s.error)
    .map((s) => ({ text: t.label.sourceFailed({ source: s.source, message: s.error?.message ?? '', hint: s.error?.hint ?? null }, f), severity: 'warn' as const }));
}

function limited<T>(items: T[], o: DocumentOptions, t: Catalog, f: Formatter, render: (item: T) => DocEntry): DocEntry[] {
  // Only the shown items are rendered: a list of 1,000 sessions costs 20 sentences.
  const out = items.slice(0, o.maxItems).map(render);
  if (items.length > o.maxItems) out.push({ text: t.label.andMore({ count: items.length - o.maxItems }, f) });
  return out;
}

function instanceEntries(report: Report, t: Catalog, f: Formatter, o: DocumentOptions): DocEntry[] {
  // Replicas of a service are listed under it (service-entries.ts), with what each holds; the rest one by one.
  const all = allInstances(report.facts);
  const instances = all.filter((i) => !i.service);
  const services = serviceEntries(report, t, f, o, (id) => {
    const replica = all.find((i) => i.id === id);
    return replica ? holdingLines(report, replica, t, f, o) : [];
  });
  const entries = limited(instances, o, t, f, (i) => ({
    text: [
      t.label.instanceLine(
        {
          name: i.name,
          state: i.state,
          image: i.image ?? null,
          startedAt: i.startedAt ?? i.createdAt ?? null,
          now: report.generatedAt,
          location: i.location,
        },
        f,
      ) +
        (i.health ? ` · ${t.label.health({ health: i.health }, f)}` : '') +
        restartNote(i, t, f),
      ...holdingLines(report, i, t, f, o),
    ].join('\n'),
  }));
  if (instances.length === 0 && services.length === 0) entries.push({ text: t.label.noInstances });
  const unattributed = report.view === 'instances' ? unattributedEntry(report, t, f) : [];
  return [...services, ...entries, ...unattributed, ...sourceFailures(report, t, f)];
}

function workerEntries(report: Report, t: Catalog, f: Formatter, o: DocumentOptions): DocEntry[] {
  const instances = runningInstances(report.facts);
  const entries = limited(instances, o, t, f, (i) => {
    const roles = (role: string) => i.processes?.filter((p) => p.role === role).length ?? 0;
    const lines = [
      t.label.workersLine(
        {
          name: i.name,
          master: roles('master'),
          manager: roles('manager'),
          workers: roles('worker'),
          taskWorkers: roles('task_worker'),
          untold: roles('worker_or_task'),
          custom: roles('custom'),
          single: roles('single'),
          unlisted: i.processes === null,
        },
        f,
      ),
    ];
    if (i.logs) {
      lines.push(
        t.label.logLine(
          {
            name: i.name,
            lines: i.logs.linesRead,
            starts: i.logs.workerStarts.count,
            full: sumPatterns(i.logs.serverFull).count,
            exhausted: sumPatterns(i.logs.poolExhausted).count,
          },
          f,
        ),
      );
    }
    return { text: lines.join('\n') };
  });
  if (instances.length === 0) entries.push({ text: t.label.noInstances });
  return [...entries, ...sourceFailures(report, t, f)];
}

function configEntries(report: Report, t: Catalog, f: Formatter, o: DocumentOptions): DocEntry[] {
  const s = report.settings;
  const instances = runningInstances(report.facts);
  const entries = limited(instances, o, t, f, (i) => ({
    text: (
      [
        [s.poolSizeVar, i.poolSize],
        [s.workerNumVar, i.workerNum],
        [s.taskWorkerNumVar, i.taskWorkerNum],
      ] as const
    )
      .filter(([variable, v]) => v.origin !== 'unknown' || variable !== s.taskWorkerNumVar)
      .map(([variable, v]) => t.label.configLine({ name: i.name, variable, value: v.value, origin: v.origin }, f))
      .join('\n'),
  }));
  if (instances.length === 0) entries.push({ text: t.label.noInstances });
  return [...entries, ...sourceFailures(report, t, f)];
}

function idleEntries(report: Report, t: Catalog, f: Formatter, o: DocumentOptions): DocEntry[] {
  const pg = report.facts.postgres;
  if (!pg.ok) return [{ text: t.label.postgresUnavailable({ message: pg.error.message, hint: pg.error.hint ?? null }, f), severity: 'crit' }];
  const { idleSessions, idleMinutes } = pg.facts;
  if (idleSessions.length === 0) return [{ text: t.label.noIdle({ minutes: idleMinutes }, f) }];
  return [
    { text: t.label.idleHeader({ count: idleSessions.length, minutes: idleMinutes }, f) },
    ...limited(idleSessions, o, t, f, (s) => ({
      text: t.label.idleSession(
        { pid: s.pid, user: s.user, application: s.application, client: s.client, seconds: s.idleSeconds },
        f,
      ),
    })),
  ];
}

function findingEntries(report: Report, t: Catalog, f: Formatter): DocEntry[] {
  if (report.findings.length === 0) return [{ text: t.label.noFindings }];
  return report.findings.map((x) => ({
    // Each catalog entry takes the parameters of its own code.
    text: (t.finding[x.code] as (p: typeof x.params, f: Formatter) => string)(x.params, f),
    severity: x.severity,
  }));
}

function recommendationEntries(
  report: Report,
  t: Catalog,
  f: Formatter,
  filter: (r: { code: string }) => boolean = () => true,
): DocEntry[] {
  const recs = report.recommendations.filter(filter);
  // A view that shows only some fixes never says "nothing to do" while the status has others.
  if (recs.length === 0) return [{ text: report.recommendations.length > 0 ? t.label.fixesElsewhere({ count: report.recommendations.length }, f) : t.label.noRecommendations }];
  return recs.map((r, i) => ({
    text: (t.recommendation[r.code] as (p: typeof r.params, f: Formatter) => string)(r.params, f),
    ordinal: `${f.num(i + 1)}.`,
    code: r.commands.map((c) => c.text),
  }));
}
