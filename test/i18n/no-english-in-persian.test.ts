/**
 * A report in Persian says everything in Persian: outcomes, refusals, probe hints and argument
 * problems are codes the catalogs render, never English prose passed through. Identifiers and the
 * words of a server or library stay as they are: they are set as code (quoted), and left out here.
 */
import { describe, expect, it } from 'vitest';
import type { Refusal } from '../../src/actions/approval-guard.js';
import type { ExecutionOutcome } from '../../src/actions/execute-plan.js';
import type { InstanceReason, SessionOutcomeKind } from '../../src/actions/executors.js';
import { makePlan, planUndoScale } from '../../src/actions/remediation-plan.js';
import type { ArgumentProblem } from '../../src/commands/parse-command-line.js';
import { actionFigures } from '../../src/core/action-figures.js';
import type { Facts, ProbeHint } from '../../src/core/facts.js';
import { buildReport, REPORT_VIEWS } from '../../src/core/report.js';
import { buildWhatIfReport } from '../../src/core/what-if.js';
import type { Catalog } from '../../src/i18n/catalog.js';
import { fa } from '../../src/i18n/fa.js';
import { createFormatter } from '../../src/i18n/format.js';
import { outcomeLines, planLines, planTitle, refusalLines, requestRefusalLines, undoHint, verificationLines } from '../../src/render/action-document.js';
import { argumentText, helpLines } from '../../src/render/help.js';
import { buildDocument } from '../../src/render/report-document.js';
import { facts, instance } from '../fixtures/facts.js';
import { pgbouncerFacts, pgbouncerOk } from '../fixtures/pgbouncer-facts.js';
import { settings } from '../fixtures/report-settings.js';
import { composeIncident, swarmIncident } from '../fixtures/swarm.js';
import { latinProse as latinProseOutside } from '../helpers/latin-prose.js';

const OPEN = '\u27E6';
const CLOSE = '\u27E7';
/** Persian, with code spans marked so that they can be set aside. */
const f = createFormatter('fa', { code: (s) => `${OPEN}${s}${CLOSE}` });

/** Runs of Latin prose outside this test's code spans. */
const latinProse = (text: string) => latinProseOutside(text, new RegExp(`${OPEN}[^${CLOSE}]*${CLOSE}`, 'g'));

const dockerDown: Facts['instances'] = [
  {
    source: 'docker unix:///var/run/docker.sock',
    ok: false,
    instances: [],
    error: { kind: 'auth_failed', source: 'docker tcp://app1:2376', message: 'list containers (SELF_SIGNED_CERT_IN_CHAIN)', hint: { code: 'docker_tls_untrusted' } },
  },
];
const pgDown: Extract<Facts['postgres'], { ok: false }> = {
  ok: false,
  error: { kind: 'unreachable', source: 'postgres db:5432/madras', message: 'connect ECONNREFUSED 10.0.0.9:5432', hint: { code: 'no_answer', ms: 5000 } },
  database: 'madras',
  host: 'db',
};
const busy = instance({
  id: 'old',
  name: 'php_swoole_app',
  createdAt: '2026-11-20T00:00:00Z',
  processes: [{ pid: 2, role: 'worker', command: 'php server.php' }],
  poolSize: { value: null, origin: 'unknown', reason: 'unset' },
  errors: [{ kind: 'permission_denied', source: 'docker top', message: 'permission denied' }],
  logs: {
    linesRead: 10,
    since: null,
    workerStarts: { pattern: 'w', count: 3, lastSeen: null },
    serverFull: [{ pattern: 'too many clients', count: 2, lastSeen: '2026-11-26T09:00:00Z' }],
    poolExhausted: [{ pattern: 'exhausted', count: 1, lastSeen: null }],
  },
});
const incident = facts(
  {
    clientConnections: 97,
    appConnections: 96,
    statesVisible: false,
    states: { active: 10, idle: 80, idleInTransaction: 4, idleInTransactionAborted: 1, other: 1, hidden: 1 },
    idleSessions: [{ pid: 7, user: 'app', application: 'php', client: '10.0.0.5', idleSeconds: 1200, backendStart: '2026-11-26T09:00:00Z', app: true }],
    oldestIdleInTransactionSeconds: 300,
  },
  [instance(), busy],
);
/** Behind PgBouncer: the app's pools refused at max_client_conn, clients waiting, its idle server connections. */
const viaPgBouncer = instance({
  poolSize: { value: 30, origin: 'env' },
  dbEndpoint: { host: 'pgbouncer', port: 6432, variables: ['DB_HOST', 'DB_PORT'] },
  logs: { ...busy.logs!, serverFull: [], pgbouncerErrors: [{ pattern: 'no more connections allowed', count: 4, lastSeen: null, kind: 'max_client_conn' }] } as never,
});
const pgbouncerIdle = { pid: 5001, user: 'app', application: 'php', client: '10.0.0.7', idleSeconds: 1200, backendStart: '2026-11-26T09:00:00Z', app: true };
const bouncing = pgbouncerOk(pgbouncerFacts({ clients: 50, pool: { clientsWaiting: 7, maxWaitSeconds: 12 }, serverPids: [5001] }));
/** Measured holding: a worker leaking transactions, a session nobody can be tied to. */
const conn = (port: number) => ({ localAddress: '10.0.0.5', localPort: port, remoteAddress: '10.0.0.9', remotePort: 5432, inode: port });
const holder = instance({
  name: 'php_swoole_app',
  processes: [
    { pid: 10, role: 'manager', command: 'php server.php', connections: [] },
    { pid: 12, role: 'worker_or_task', command: 'php server.php', connections: [conn(1), conn(2)] },
  ],
});
const held = (port: number, state: string) => ({ pid: 5000 + port, clientAddr: '10.0.0.5', clientPort: port, state, user: 'app', application: 'php', stateSeconds: 900 });

/** Swarm seen through a worker engine, and a manager whose services could not be read. */
const swarmUnread = (reason: 'not_manager' | 'error'): Facts => {
  const f = swarmIncident();
  f.instances[0]!.services = [];
  f.instances[0]!.swarmUnread = { reason, message: 'This node is not a swarm manager.', services: ['php_swoole_app'] };
  return f;
};
const swarmReports = [
  ...(['status', 'instances', 'workers', 'config'] as const).map((view) => buildReport(view, swarmIncident(), settings())),
  buildReport('status', swarmIncident(), settings({ expectedInstances: 2 })),
  buildReport('status', swarmUnread('not_manager'), settings()),
  buildReport('status', swarmUnread('error'), settings()),
  ...(['status', 'instances'] as const).map((view) => buildReport(view, composeIncident(), settings())),
];

const reports = [
  ...swarmReports,
  ...REPORT_VIEWS.filter((v) => v !== 'math').map((view) => buildReport(view, incident, settings())),
  buildReport('status', { ...facts(), postgres: pgDown, instances: dockerDown }, settings()),
  buildReport('status', { ...facts(), postgres: { ...pgDown, error: { kind: 'server_full', source: 'postgres db:5432/madras', message: 'sorry, too many clients already' } } }, settings()),
  buildReport('status', facts({}, [instance({ workerNum: { value: 2, origin: 'fallback' }, poolSize: { value: 5, origin: 'fallback' } })]), settings()),
  buildReport('status', { ...facts({ idleSessions: [pgbouncerIdle] }, [viaPgBouncer]), pgbouncers: [bouncing] }, settings()),
  buildReport('status', { ...facts({}, [viaPgBouncer]), pgbouncers: [{ ok: false, address: 'pgbouncer:6432', user: 'dbpool', error: { kind: 'permission_denied', source: 'pgbouncer pgbouncer:6432', message: 'not allowed', hint: { code: 'pgbouncer_not_allowed', user: 'dbpool', setting: 'DBPOOL_PGBOUNCER_URL' } } }] }, settings()),
  buildReport('status', { ...facts({}, [viaPgBouncer]), pgbouncers: [{ ok: false, address: 'pgbouncer:6432', user: 'dbpool', error: { kind: 'unreachable', source: 'pgbouncer pgbouncer:6432', message: 'connect ECONNREFUSED' } }] }, settings()),
  buildReport('status', facts({ idleSessions: [pgbouncerIdle] }, [viaPgBouncer]), settings()),
  ...(['instances', 'connections', 'workers'] as const).map((view) =>
    buildReport(view, facts({ sessions: [held(1, 'idle in transaction'), held(2, 'idle'), held(99, 'idle')] }, [holder]), settings()),
  ),
  buildWhatIfReport({ workers: 64, poolSize: 10, instances: 2, taskWorkers: 2, maxConnections: 100, reservedSlots: 3, otherClients: 5 }, settings(), new Date()),
];

const SESSIONS: SessionOutcomeKind[] = ['terminated', 'no_longer_idle', 'gone', 'not_permitted', 'not_terminated', 'error'];
const REASONS: InstanceReason[] = [
  'gone',
  'replaced',
  'below_expected',
  'no_stopper',
  'not_app',
  'unknown_engine',
  'not_a_process',
  'not_permitted',
  'still_running',
  'no_such_container',
  'no_answer',
  'swarm_task',
  'no_scaler',
  'global_service',
  'replicas_changed',
  'already_at',
  'failed',
];
const REFUSALS: (Refusal | 'nothing_to_do')[] = ['unknown_plan', 'expired', 'already_ran', 'cancelled', 'not_approver', 'requester_cannot_approve', 'read_only', 'hourly_cap', 'cannot_cancel', 'state_unavailable', 'shutting_down', 'nothing_to_do'];
const HINTS = Object.keys(fa.hint) as ProbeHint[];
const PROBLEMS: ArgumentProblem[] = [
  { code: 'unknown_command', command: 'restart' },
  { code: 'unknown_option', command: 'status', options: ['--force'] },
  { code: 'required', command: 'math', subject: '--workers' },
  { code: 'range', command: 'idle', subject: 'argument', min: 1, max: 10080, whole: false },
  { code: 'one_of', command: 'lang', subject: 'argument', allowed: ['fa', 'en'] },
  { code: 'too_many_arguments', command: 'status', max: 0 },
  { code: 'too_many_arguments', command: 'idle', max: 1 },
  { code: 'needs_value', command: 'idle', subject: '--minutes' },
  { code: 'takes_no_value', command: 'stop-extra', subject: '--yes' },
  { code: 'invalid', command: 'audit', subject: '--limit' },
  { code: 'lone_dashes' },
  { code: 'no_database' },
  { code: 'no_history' },
  { code: 'lang_is_slack_only' },
];

/** Every sentence a Persian user can be shown, through the renderers. */
function everything(t: Catalog): string[] {
  const out: string[] = [];
  for (const report of reports) {
    const doc = buildDocument(report, t, f, { maxItems: 20 });
    out.push(doc.title, doc.headline, ...doc.context, ...doc.sections.flatMap((s) => [s.title, ...s.entries.map((e) => e.text)]));
  }
  const planned = makePlan('terminate_idle', reports[0]!, { kind: 'slack', id: 'U1' }, new Date(), 15);
  const stop = makePlan('stop_extra', buildReport('status', facts({}, [instance(), busy]), settings()), { kind: 'slack', id: 'U1' }, new Date(), 15);
  // A scale-down of the older Swarm service and of extra replicas, and the Undo it leaves.
  const scale = makePlan('stop_extra', swarmReports[0]!, { kind: 'slack', id: 'U1' }, new Date(), 15);
  const replicas = makePlan('stop_extra', swarmReports[4]!, { kind: 'slack', id: 'U1' }, new Date(), 15);
  for (const p of [planned, stop, scale, replicas]) if (p.ok) out.push(planTitle(p.plan, t, f), ...planLines(p.plan, t, f, 10));
  if (!scale.ok || scale.plan.action !== 'stop_extra') throw new Error('expected a scale-down plan');
  const scaled = scale.plan.candidates.map((c) => ({ id: c.id, name: c.name, outcome: 'scaled' as const, scaledFrom: 2, scaledTo: 0 }));
  const undo = planUndoScale(scale.plan, scaled, { kind: 'slack', id: 'U1' }, new Date());
  if (!undo) throw new Error('expected an undo');
  out.push(planTitle(undo, t, f), ...planLines(undo, t, f, 10), undoHint(undo, 'dbpool', t, f));
  out.push(t.action.undoOffer({ services: undo.services.map((s) => ({ name: s.name, to: s.to })), at: f.dateTime(undo.expiresAt) }, f));
  out.push(t.action.buttonScale({ count: 2 }, f), t.action.buttonUndo);
  out.push(...outcomeLines({ action: 'stop_extra', instances: [...scaled, { ...scaled[0]!, reason: 'already_at' }] }, t, f, 50));
  out.push(...outcomeLines({ action: 'undo_scale', instances: [{ ...scaled[0]!, scaledFrom: 0, scaledTo: 2 }, { id: 'x', name: 'php_swoole_app', outcome: 'refused', reason: 'replicas_changed' }] }, t, f, 50));
  const sessions: ExecutionOutcome = { action: 'terminate_idle', sessions: SESSIONS.map((outcome, pid) => ({ pid, outcome, detail: 'permission denied to terminate process' })) };
  const instances: ExecutionOutcome = {
    action: 'stop_extra',
    instances: REASONS.map((reason) => ({ id: reason, name: 'php_swoole_app', outcome: 'refused', reason, detail: 'docker tcp://app1:2376: stop: HTTP 500: driver failed' })),
  };
  out.push(...outcomeLines(sessions, t, f, 50), ...outcomeLines(instances, t, f, 50));
  for (const reason of REFUSALS) out.push(...(reason === 'nothing_to_do' ? requestRefusalLines({ ok: false, reason }, t, f) : refusalLines({ reason }, t, f)));
  out.push(...refusalLines({ reason: 'execution_failed', detail: 'connect ENOENT /var/run/docker.sock' }, t, f));
  out.push(...requestRefusalLines({ ok: false, reason: 'blind', unread: [pgDown.error, dockerDown[0]!.error!] }, t, f));
  const before = actionFigures(reports[0]!);
  out.push(...verificationLines({ kind: 'verified', before, after: actionFigures(reports[7]!), convergence: null }, t, f));
  // The check after a scale: converged or not within the bound, and after an Undo.
  const services = [{ name: 'php_swoole_app', running: 0, wanted: 0 }];
  out.push(...verificationLines({ kind: 'verified', before, after: actionFigures(reports[0]!), convergence: { converged: true, waitedSeconds: 12, services, connections: 48 } }, t, f));
  out.push(...verificationLines({ kind: 'verified', before, after: actionFigures(reports[0]!), convergence: { converged: false, waitedSeconds: 120, services, connections: null }, undoes: true }, t, f));
  out.push(...verificationLines({ kind: 'skipped', reason: 'shutdown' }, t, f), ...verificationLines({ kind: 'skipped', reason: 'failed' }, t, f));
  for (const code of HINTS) out.push(t.hint[code]({ code, file: '/etc/ca.pem', ms: 5000 }, f));
  // The help's command syntax is identifiers; its descriptions are prose.
  out.push(argumentText(PROBLEMS, t, f), t.help.title, ...helpLines(t, 'dbpool').flatMap((l) => (l.includes(' — ') ? [l.split(' — ')[1] ?? ''] : [])));
  out.push(t.action.reconciled, t.action.noTerminal, t.action.ask, t.action.aborted, t.action.dryRun, t.action.blind);
  for (const value of Object.values(t.slack)) if (typeof value === 'string') out.push(value);
  return out;
}

describe('a Persian render', () => {
  it('has no English prose: every outcome, refusal, hint and argument problem comes from the catalog', () => {
    const offending = everything(fa).flatMap((line) => latinProse(line).map((run) => `${run}   <- ${line}`));
    expect(offending).toEqual([]);
  });

  it('the check itself finds English prose, and leaves code spans and names alone', () => {
    expect(latinProse(`اقدام شکست خورد: no longer running`)).toEqual(['no longer running']);
    expect(latinProse(`PostgreSQL ${OPEN}connect ECONNREFUSED${CLOSE} در دسترس نیست`)).toEqual([]);
    expect(latinProse(`${f.code('idle')}: task worker و dbpool`)).toEqual([]);
  });
});
