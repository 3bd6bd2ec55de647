import type { CommandName } from '../commands/command-names.js';
import type { ArgumentProblem } from '../commands/parse-command-line.js';
import type { HeldCounts } from '../core/attribution.js';
import type { ProbeHint, ProbeHintRef, ProcessRole, ServiceKind } from '../core/facts.js';
import type { FindingCode, FindingParams } from '../core/findings.js';
import type { HeadlineCause, HeadlineFix } from '../core/headline.js';
import type { CountOrigin } from '../core/pool-math.js';
import type { RecommendationCode, RecommendationParams } from '../core/recommendations.js';
import type { Verdict } from '../core/verdict.js';
import type { Refusal } from '../actions/approval-guard.js';
import type { InstanceOutcomeKind, InstanceReason, SessionOutcomeKind } from '../actions/executors.js';
import type { Formatter } from './format.js';

export type Lang = 'en' | 'fa';
export const LANGS: readonly Lang[] = ['en', 'fa'];

type Msg<P> = (p: P, f: Formatter) => string;

/** Every sentence dbpool shows a person. en.ts and fa.ts implement it with the same keys. */
export interface Catalog {
  dir: 'ltr' | 'rtl';
  /** How the language says which clock a time is on: "Tehran time", «به وقت تهران». */
  zoneName: (timeZone: string) => string;
  verdict: Record<Verdict, string>;
  verdictHeadline: Record<Verdict, string>;
  /** The first line: the diagnosis and the fix (core/headline.ts); plain text, it heads Slack's notification. */
  headline: {
    /** In place of the verdict word for `math`: a calculation, not an incident. */
    whatIfTitle: string;
    cause: { [K in HeadlineCause['code']]: Msg<Extract<HeadlineCause, { code: K }>> };
    fix: { [K in HeadlineFix['code']]: Msg<Extract<HeadlineFix, { code: K }>> };
    /** The cause, then the fix. */
    join: (cause: string, fix: string) => string;
  };
  origin: Record<CountOrigin, string>;
  section: {
    connections: string;
    poolMath: string;
    instances: string;
    workers: string;
    config: string;
    idle: string;
    findings: string;
    recommendations: string;
    whatIf: string;
    pgbouncer: string;
  };
  label: {
    /** `connections`: the usage (app + other clients); dbpool's `own` apart. */
    usage: Msg<{ connections: number; app: number; other: number; own: number; usable: number; max: number; reserved: number }>;
    database: Msg<{ database: string; connections: number }>;
    background: Msg<{ count: number }>;
    states: string;
    active: string;
    idle: string;
    idleInTransaction: string;
    idleInTransactionAborted: string;
    otherState: string;
    hiddenState: string;
    statesIncomplete: Msg<{ hidden: number }>;
    byApplication: string;
    byUser: string;
    byClient: string;
    oldestIdle: Msg<{ seconds: number }>;
    oldestIdleInTransaction: Msg<{ seconds: number }>;
    server: Msg<{ host: string; database: string; version: string }>;
    generatedAt: Msg<{ at: string }>;
    /** `startedAt`: the last start ("up" counts from it), the creation time when the start is unknown. */
    instanceLine: Msg<{ name: string; state: string; image: string | null; startedAt: string | null; now: string; location: string }>;
    health: Msg<{ health: string }>;
    /** Issue #13: instances grouped by what manages them. */
    serviceLine: Msg<{
      kind: ServiceKind;
      name: string;
      mode: 'replicated' | 'global' | 'containers';
      running: number;
      desired: number | null;
      createdAt: string | null;
      updatedAt: string | null;
      now: string;
      image: string | null;
      location: string;
      /** False: known from its replicas' labels only. */
      read: boolean;
      composeFile: string | null;
    }>;
    replicaLine: Msg<{ name: string; node: string | null; state: string; createdAt: string | null; now: string; inspected: boolean }>;
    /** Issue #18: a Deployment's ReplicaSet, its pods listed under it; `held`: the app's connections its pods hold, when attributed. */
    replicaSetLine: Msg<{ name: string; revision: number | null; current: boolean; ready: number; desired: number; pods: number; held: number | null }>;
    serviceMathLine: Msg<{ kind: ServiceKind; name: string; replicas: number; demand: number | null }>;
    /** After a bare container's line: what its restart policy means for a stop. */
    restartPolicy: Msg<{ policy: string }>;
    mathLine: Msg<{ name: string; workers: number | null; workersOrigin: CountOrigin; taskWorkers: number; untold: number; customProcesses: number; poolSize: number | null; poolSizeOrigin: CountOrigin; total: number | null; poolSizeVar: string }>;
    /** `unread`: instance sources that could not be read; then the total is unknown and demand a lower bound. */
    mathTotal: Msg<{ demand: number; instances: number; capacity: number | null; unknown: number; unread: number }>;
    capacityLine: Msg<{ max: number; reserved: number; other: number; capacity: number }>;
    headroom: Msg<{ headroom: number }>;
    workersLine: Msg<{ name: string; master: number; manager: number; workers: number; taskWorkers: number; untold: number; custom: number; single: number; unlisted: boolean }>;
    logLine: Msg<{ name: string; lines: number; starts: number; full: number; exhausted: number }>;
    configLine: Msg<{ name: string; variable: string; value: number | null; origin: CountOrigin }>;
    idleHeader: Msg<{ count: number; minutes: number }>;
    idleSession: Msg<{ pid: number; user: string | null; application: string | null; client: string | null; seconds: number }>;
    noIdle: Msg<{ minutes: number }>;
    noInstances: string;
    sourceFailed: Msg<{ source: string; message: string; hint: ProbeHintRef | null }>;
    postgresUnavailable: Msg<{ message: string; hint: ProbeHintRef | null }>;
    noFindings: string;
    noRecommendations: string;
    /** A view showing only some fixes (idle) has none of its own while the status has `count`. */
    fixesElsewhere: Msg<{ count: number }>;
    andMore: Msg<{ count: number }>;
    none: string;
    /** The PgBouncer section (src/render/pgbouncer-entries.ts). */
    pgbouncerHeader: Msg<{ address: string; version: string; poolMode: string }>;
    pgbouncerClients: Msg<{ clients: number; max: number; console: number; demand: number | null; instances: string[]; unknown: number }>;
    pgbouncerServers: Msg<{ pairs: number; poolSize: number | null; reserve: number; limit: number; cappedBy: string | null; open: number }>;
    pgbouncerWaiting: Msg<{ waiting: number; maxWaitSeconds: number }>;
    pgbouncerUnread: Msg<{ address: string; message: string; hint: ProbeHintRef | null }>;
    pgbouncerServerTotal: Msg<{ servers: number; direct: number; capacity: number }>;
    pgbouncerNotConfigured: string;
    /** In place of verdictHeadline when the PgBouncer layer alone decides the verdict. */
    pgbouncerHeadline: { CRIT: string; WARN: string };
    mathTotalViaPgBouncer: Msg<{ demand: number; instances: number; unknown: number }>;
    /** A process's part, as a noun ("task worker"). */
    role: Record<ProcessRole, string>;
    /** Measured holding of one instance against its demand; `method` says how it was found. */
    holding: Msg<{ held: HeldCounts; demand: number | null; method: 'sockets' | 'address' }>;
    /** One process's share: "pid 12 5/5", with what is wrong with it. */
    processHolding: Msg<{ pid: number; role: ProcessRole; held: HeldCounts; poolSize: number | null }>;
    byProcess: string;
    heldBy: string;
    unattributed: Msg<{ total: number; unixSocket: number; hidden: number; ambiguous: number; noMatch: number }>;
  };
  finding: { [K in FindingCode]: Msg<FindingParams[K]> };
  /** What dbpool can tell about a probe's failure beyond the server's words (ProbeError.hint). */
  hint: { [K in ProbeHint]: Msg<ProbeHintRef> };
  recommendation: { [K in RecommendationCode]: Msg<RecommendationParams[K]> };
  action: {
    /** `roles`: whose sessions, per role: the approver sees them in the plan and the confirm dialog. */
    planTerminate: Msg<{ count: number; database: string; minutes: number; roles: { role: string; count: number }[] }>;
    planStop: Msg<{ name: string; ageSeconds: number | null }>;
    /** A stop_extra plan's title: how many are stopped (containers) and scaled down (services), and what stays. */
    planStopTitle: Msg<{ stop: number; scale: number; keeping: string[] }>;
    planScale: Msg<{ kind: ServiceKind; name: string; from: number; to: number; ageSeconds: number | null }>;
    planUndo: Msg<{ kind: ServiceKind; name: string; from: number; to: number }>;
    /** `reason`: said already (instanceReason), e.g. that the service wanted that many already. */
    scaledLine: Msg<{ name: string; from: number; to: number; reason: string | null }>;
    buttonScale: Msg<{ count: number }>;
    buttonUndo: string;
    /** In the thread after a scale-down: what Undo does, until when. */
    undoOffer: Msg<{ services: { name: string; to: number }[]; at: string }>;
    /** In the terminal after a scale-down: the command that undoes it. */
    undoHint: Msg<{ command: string; at: string }>;
    converged: Msg<{ seconds: number; services: { name: string; running: number; wanted: number }[]; connections: number | null }>;
    notConverged: Msg<{ seconds: number; services: { name: string; running: number; wanted: number }[]; connections: number | null }>;
    /** The check after an Undo: its "before" is the figures before the scale-down it reverses. */
    comparedWithUndone: Msg<{ at: string }>;
    confirmTitle: string;
    confirmYes: string;
    confirmNo: string;
    buttonTerminate: Msg<{ count: number }>;
    buttonStop: Msg<{ count: number }>;
    buttonCancel: string;
    ask: string;
    aborted: string;
    /** After `aborted` when the CLI had no terminal to ask. */
    noTerminal: string;
    dryRun: string;
    expiresAt: Msg<{ at: string }>;
    refused: Record<Refusal | 'nothing_to_do', string>;
    /** No plan can be made: what could not be read follows, one `unread` line each. */
    blind: string;
    unread: Msg<{ source: string; message: string; hint: ProbeHintRef | null }>;
    /** The action itself threw; `detail` is the error's own words. */
    executionFailed: Msg<{ detail: string }>;
    approvedBy: Msg<{ who: string; at: string }>;
    cancelledBy: Msg<{ who: string }>;
    session: Record<SessionOutcomeKind, string>;
    instance: Record<InstanceOutcomeKind, string>;
    instanceReason: Record<InstanceReason, string>;
    /** `detail`: the server's or engine's own words, quoted. */
    sessionLine: Msg<{ pid: number; outcome: string; detail: string | null }>;
    instanceLine: Msg<{ name: string; outcome: string; reason: string | null; detail: string | null }>;
    summary: Msg<{ done: number; total: number }>;
    verifyTitle: string;
    /** Figures that could not be read are null. */
    beforeAfter: Msg<{ before: number | null; after: number | null; usable: number | null }>;
    instancesBeforeAfter: Msg<{ before: number | null; after: number | null }>;
    workersStarted: Msg<{ starts: number; fullErrors: number }>;
    verifySkipped: Record<'shutdown' | 'failed', string>;
    /** A plan that dbpool was running when it stopped, checked again at its next start. */
    reconciled: string;
    auditTitle: string;
    auditEmpty: string;
    auditLine: Msg<{ at: string; event: string; action: string | null; actor: string | null; detail: string }>;
  };
  cli: {
    usage: string;
    /** `detail`: the argument problems, already in this language. */
    badArgument: Msg<{ detail: string }>;
    configError: Msg<{ detail: string }>;
  };
  /** What is wrong with a command line (commands/parse-command-line.ts), a range stated in the user's language. */
  argument: { [K in ArgumentProblem['code']]: Msg<Extract<ArgumentProblem, { code: K }>> };
  /** The one-line monitoring plugin output (`dbpool check`, src/render/plugin-line.ts). */
  plugin: {
    connections: Msg<{ connections: number; usable: number }>;
    demand: Msg<{ demand: number; capacity: number; unknown: number }>;
    unreachable: Msg<{ source: string; kind: string; message: string }>;
  };
  help: {
    title: string;
    commands: Record<CommandName, string>;
    options: string;
  };
  slack: {
    checking: Msg<{ command: string }>;
    notAllowed: string;
    langSet: string;
    badAction: string;
    notInChannel: string;
    failed: string;
    /** In place of a report Slack refused (too long, blocks rejected): the message never stays "checking…". */
    reportRefused: Msg<{ error: string }>;
    /** Under a proposed action: who asked, and that an approver must confirm. */
    approvalHint: Msg<{ user: string }>;
    buttonApprove: string;
    buttonMute: string;
    muted: Msg<{ until: string }>;
    running: string;
    buttonRefresh: string;
    buttonIdle: string;
    buttonInstances: string;
    /** Names the other language, in that language. */
    buttonSwitchLanguage: string;
    requestedBy: Msg<{ user: string; command: string }>;
  };
  /** The daily summary (src/render/summary-document.ts). Percentages are 0..100. */
  summary: {
    title: Msg<{ date: string }>;
    headline: Record<Verdict, string>;
    section: { usage: string; refusals: string; instances: string; poolNow: string; actions: string; change: string };
    peak: Msg<{ connections: number; usable: number | null; at: string }>;
    utilization: Msg<{ avg: number; p95: number }>;
    aboveThresholds: Msg<{ warnMinutes: number; critMinutes: number; warn: number; crit: number }>;
    withoutData: Msg<{ minutes: number }>;
    noData: string;
    refusals: Msg<{ samples: number; logLines: number }>;
    noRefusals: string;
    instances: Msg<{ min: number; max: number }>;
    extraInstances: Msg<{ extra: number }>;
    instancesUnknown: string;
    poolNow: Msg<{ demand: number; unknown: number; capacity: number | null; usable: number | null; headroom: number | null }>;
    poolNowUnavailable: string;
    pgbouncerNow: Msg<{ address: string; clients: number; max: number; demand: number | null; waiting: number; servers: number; capacity: number | null }>;
    pgbouncerNowUnread: Msg<{ address: string }>;
    action: Msg<{ at: string; action: string; actor: string | null; ok: boolean }>;
    noActions: string;
    changePeak: Msg<{ delta: number }>;
    changeUtilization: Msg<{ avgPoints: number; p95Points: number }>;
    changeWarnMinutes: Msg<{ delta: number }>;
    noPrevious: string;
    sparkline: Msg<{ line: string; max: number }>;
    chartTitle: Msg<{ date: string }>;
    chartConnections: string;
    chartCapacity: string;
    chartWarn: Msg<{ percent: number }>;
    chartCrit: Msg<{ percent: number }>;
    /** The chart's marks: when connections were refused, and while more instances ran than expected. */
    chartRefusals: string;
    chartExtraInstances: string;
  };
  /** Early warnings (src/schedule/warning-state.ts decisions). Percentages are 0..100. */
  warning: {
    opened: Msg<{ severity: 'warn' | 'crit'; utilization: number; threshold: number }>;
    escalated: Msg<{ utilization: number; threshold: number }>;
    relapsed: Msg<{ severity: 'warn' | 'crit'; utilization: number; threshold: number }>;
    recovered: Msg<{ utilization: number }>;
  };
}
