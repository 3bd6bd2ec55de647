/**
 * Issue #13 on a real single-node Docker Swarm: the PHP app as Swarm services whose tasks hold real
 * connections to a real PostgreSQL. Every Swarm test lives in this one file, so they never run at
 * the same time on the shared engine; each test removes its services afterwards, and the swarm is
 * left only if this file created it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Verification } from '../../../src/actions/remediation-flow.js';
import { confirmAndRun } from '../../../src/cli/confirm-and-run.js';
import { prepareCommand } from '../../../src/commands/command-table.js';
import { parseCommandLine } from '../../../src/commands/parse-command-line.js';
import { loadConfig, type Config } from '../../../src/config.js';
import type { Report } from '../../../src/core/report.js';
import { createFormatter } from '../../../src/i18n/format.js';
import { catalogFor } from '../../../src/i18n/index.js';
import { silentLogger } from '../../../src/logger.js';
import { createDockerStopper } from '../../../src/probes/docker/docker-stopper.js';
import { renderJson } from '../../../src/render/json.js';
import { renderText } from '../../../src/render/text.js';
import { createServices, type Services } from '../../../src/services.js';
import { dockerSkipReason, engineSocketReason, testEngineAddress } from '../../helpers/docker-engine.js';
import { dbDsn, phpSkipReason } from '../../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { assertBlockKitLimits, messageText } from '../../helpers/slack-block-limits.js';
import { SIGNING_SECRET, startTestBot } from '../../helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from '../../helpers/slack-requests.js';
import { startHidingProxy, swarmSkipReason, TestSwarm } from '../../helpers/swarm-services.js';

const skip = await dockerSkipReason(phpSkipReason, engineSocketReason, swarmSkipReason);
const operator = { kind: 'cli' as const, id: 'oncall' };
/** Each task: 2 workers x DB_POOL_SIZE 3 = 6 real connections. */
const WORKERS = 2;
const POOL = 3;
const PER_TASK = WORKERS * POOL;

describe.skipIf(skip !== null)('Swarm services on a real single-node swarm', () => {
  const swarm = new TestSwarm();
  let pg: TestPostgres;
  let env: Record<string, string>;
  const opened: Services[] = [];

  beforeAll(async () => {
    pg = await startPostgres({ maxConnections: 60 });
    const admin = await pg.admin();
    try {
      await admin.query(`CREATE ROLE app LOGIN PASSWORD 'app'`);
    } finally {
      await admin.end();
    }
    env = { DB_POOL_SIZE: String(POOL), SWOOLE_WORKER_NUM: String(WORKERS), DB_DSN: dbDsn({ ...pg, user: 'app', password: 'app' }) };
    await swarm.ensureManager();
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((s) => s.close()));
    await swarm.removeAll();
  });
  afterAll(async () => {
    await swarm.removeAll();
    await swarm.leaveIfCreated();
    await pg?.stop();
  });

  function configFor(address = testEngineAddress(), extra: Record<string, string> = {}): Config {
    return loadConfig({
      DATABASE_URL: pg.url(),
      DBPOOL_INSTANCE_SOURCE: 'docker',
      DBPOOL_DOCKER_HOSTS: address,
      APP_CONTAINER_PATTERN: swarm.pattern(),
      APP_DB_USER: 'app',
      DBPOOL_PROBE_TIMEOUT_MS: '10000',
      DBPOOL_VERIFY_DELAY_SECONDS: '0',
      DBPOOL_CONVERGE_TIMEOUT_SECONDS: '60',
      DBPOOL_LOG_LEVEL: 'silent',
      ...extra,
    });
  }

  async function servicesFor(config: Config): Promise<Services> {
    const services = await createServices(config, silentLogger(), { stateFile: ':memory:', metrics: false });
    opened.push(services);
    return services;
  }

  const status = (s: Services) => s.diagnoser!.diagnose('status');
  async function verified(v: Promise<Verification>): Promise<Extract<Verification, { kind: 'verified' }>> {
    const result = await v;
    if (result.kind !== 'verified') throw new Error(`the check after the action was skipped: ${result.reason}`);
    return result;
  }
  const ctx = (s: Services) => ({ ...s.context, requester: operator });
  const run = (s: Services, argv: string[]) => prepareCommand(parseCommandLine(argv)).run(ctx(s));
  const appConnections = (r: Report) => (r.facts.postgres.ok ? r.facts.postgres.facts.appConnections : -1);

  it('two services side by side: the report names them, recommends `docker service scale <old>=0`, the approved action scales the old one to 0 for good, leaves the new one untouched, the connections are released, and Undo scales it back', async () => {
    const old = await swarm.createApp({ name: 'php_swoole_app', replicas: 1, env });
    await new Promise((r) => setTimeout(r, 1100)); // distinct creation times
    const fresh = await swarm.createApp({ name: 'php_swoole_app_new', replicas: 1, env });
    const freshTask = (await swarm.runningTasks(fresh.id))[0]!;
    const freshVersion = (await swarm.serviceSpec(fresh.id)).version;
    const config = configFor();
    const services = await servicesFor(config);

    const before = await status(services);
    expect(before.services.map((g) => [g.kind, g.name, g.running, g.desired])).toEqual([
      ['swarm', old.name, 1, 1],
      ['swarm', fresh.name, 1, 1],
    ]);
    expect(before.services[0]!.replicas[0]).toMatchObject({ node: expect.any(String), inspected: true, demand: PER_TASK });
    expect(appConnections(before)).toBe(2 * PER_TASK);
    expect(before.math.totalDemand).toBe(2 * PER_TASK);
    expect(before.findings.find((x) => x.code === 'extra_replicas')?.params).toMatchObject({
      running: 2,
      expected: 1,
      services: [{ kind: 'swarm', name: old.name, from: 1, to: 0 }],
      beside: [fresh.name],
    });
    const scale = before.recommendations.find((r) => r.code === 'scale_down_service');
    expect(scale?.commands).toEqual([{ lang: 'shell', text: `docker service scale ${old.name}=0` }]);
    expect(before.recommendations.some((r) => r.code === 'stop_extra_instances')).toBe(false);
    const text = renderText(before, { lang: 'en' });
    expect(text).toContain(`Swarm service ${old.name}: 1/1 replica running`);
    expect(text).toContain(`Scale the older Swarm service ${old.name} from 1 to 0 replicas, keeping ${fresh.name}`);
    expect(text).not.toMatch(/^\s+docker stop /m);
    expect(renderText(before, { lang: 'fa' })).toContain('سرویس Swarm');
    expect(JSON.parse(renderJson(before)).services).toHaveLength(2);

    // A task container is never stopped, even if asked directly: Swarm would replace it.
    const oldTask = (await swarm.runningTasks(old.id))[0]!;
    const refused = await createDockerStopper(config).stop(
      { id: oldTask.containerId, name: 'task', source: 'docker', location: testEngineAddress(), createdAt: undefined },
      1,
    );
    expect(refused).toMatchObject({ outcome: 'refused', reason: 'swarm_task', detail: old.name });

    const planned = await run(services, ['stop-extra']);
    if (planned.kind !== 'plan' || planned.plan.action !== 'stop_extra') throw new Error(`expected a plan: ${JSON.stringify(planned)}`);
    expect(planned.plan.candidates.map((c) => [c.name, c.scale?.from, c.scale?.to])).toEqual([[old.name, 1, 0]]);
    const result = await services.remediation!.approve(planned.plan.id, operator);
    if (!result.ok) throw new Error(`approval failed: ${JSON.stringify(result)}`);
    expect(result.outcome).toEqual({ action: 'stop_extra', instances: [{ id: old.id, name: old.name, outcome: 'scaled', scaledFrom: 1, scaledTo: 0 }] });
    expect(result.undo).toMatchObject({ action: 'undo_scale', undoes: planned.plan.id, services: [{ name: old.name, from: 0, to: 1 }] });

    // The flow's check after the action waits for Swarm: the task gone, its connections released.
    const check = await verified(result.verification);
    expect(check.convergence).toMatchObject({ converged: true, services: [{ name: old.name, running: 0, wanted: 0 }], connections: PER_TASK });
    console.log(`[swarm] scale-down converged in ${check.convergence?.waitedSeconds.toFixed(1)} s`);
    expect(check.after.runningInstances).toBe(1);
    const after = await status(services);
    expect(after.services.find((g) => g.id === old.id)).toMatchObject({ running: 0, desired: 0 });
    expect(appConnections(after)).toBe(PER_TASK);
    expect(after.findings.some((x) => x.code === 'extra_replicas')).toBe(false);
    // For good: the service itself wants 0, so Swarm starts nothing; the new one was not touched.
    expect((await swarm.serviceSpec(old.id)).replicas).toBe(0);
    expect(await swarm.runningTasks(old.id)).toEqual([]);
    expect(await swarm.runningTasks(fresh.id)).toEqual([freshTask]);
    expect((await swarm.serviceSpec(fresh.id)).version).toBe(freshVersion);

    // The audit keeps the previous count; the Undo is a plan of its own.
    const audit = services.remediation!.auditEntries(10);
    expect(audit.find((e) => e.event === 'executed')?.detail).toMatchObject({ outcome: { instances: [{ scaledFrom: 1, scaledTo: 0 }] } });
    expect(audit.find((e) => e.event === 'requested' && e.action === 'undo_scale')?.detail).toEqual({
      undoes: planned.plan.id,
      scale: [{ service: old.name, from: 0, to: 1 }],
    });
    expect(audit.find((e) => e.event === 'verified' && e.planId === planned.plan.id)?.detail).toMatchObject({ convergence: { converged: true } });

    const undo = await run(services, ['undo', result.undo!.id]);
    if (undo.kind !== 'plan') throw new Error(`expected the undo plan: ${JSON.stringify(undo)}`);
    const undone = await services.remediation!.approve(undo.plan.id, operator);
    if (!undone.ok) throw new Error(`undo failed: ${JSON.stringify(undone)}`);
    expect(undone.outcome).toEqual({ action: 'undo_scale', instances: [{ id: old.id, name: old.name, outcome: 'scaled', scaledFrom: 0, scaledTo: 1 }] });
    expect(undone.undo).toBeUndefined();
    const back = await verified(undone.verification);
    expect(back).toMatchObject({ undoes: true, before: planned.plan.before });
    expect(back.convergence).toMatchObject({ converged: true, services: [{ name: old.name, running: 1, wanted: 1 }], connections: 2 * PER_TASK });
    await swarm.waitForApp(old.id, 1, WORKERS);
    // Exactly once: the same Undo again is refused and changes nothing.
    expect(await services.remediation!.approve(undo.plan.id, operator)).toMatchObject({ ok: false, reason: 'already_ran' });
    expect(await run(services, ['undo', result.undo!.id])).toEqual({ kind: 'refused', refusal: { ok: false, reason: 'already_ran' } });
    expect((await swarm.serviceSpec(old.id)).replicas).toBe(1);
  });

  it('one service with 3 replicas where 1 is expected: per-replica pool math, the recommendation scales it to 1, the action leaves exactly 1', async () => {
    const svc = await swarm.createApp({ name: 'php_swoole_app', replicas: 3, env });
    const config = configFor();
    const services = await servicesFor(config);
    const before = await status(services);
    expect(before.services).toHaveLength(1);
    expect(before.services[0]).toMatchObject({ name: svc.name, running: 3, desired: 3, demand: 3 * PER_TASK });
    expect(before.math.instances.map((d) => [d.workers, d.workersOrigin, d.poolSize, d.demand])).toEqual(Array(3).fill([WORKERS, 'measured', POOL, PER_TASK]));
    expect(new Set(before.services[0]!.replicas.map((r) => r.name.split('.')[1]))).toEqual(new Set(['1', '2', '3']));
    expect(before.recommendations.find((r) => r.code === 'scale_down_service')?.commands[0]?.text).toBe(`docker service scale ${svc.name}=1`);
    expect(renderText(before, { lang: 'en' })).toContain(`Swarm service ${svc.name}: 3 replicas, ${3 * PER_TASK} connections when every pool is full`);

    // Through the CLI's confirm step: the outcome, the undo line, and the check that waited for Swarm.
    const planned = await run(services, ['stop-extra']);
    if (planned.kind !== 'plan') throw new Error('expected a plan');
    const out: string[] = [];
    const io = { out: (s: string) => void out.push(s), ask: async () => 'y' };
    const t = catalogFor('en');
    const code = await confirmAndRun(planned.plan, ctx(services), io, t, createFormatter('en'), { yes: true, dryRun: false });
    const printed = out.join('');
    expect(code).toBe(0);
    expect(printed).toContain(`Scale Swarm service ${svc.name} from 3 to 1 replica`);
    expect(printed).toContain(`${svc.name}: scaled from 3 to 1 replica`);
    const undoId = /To undo: dbpool undo ([A-Za-z0-9_-]{22})/.exec(printed)?.[1];
    expect(undoId).toBeDefined();
    expect(printed).toMatch(new RegExp(`Converged after .*: ${svc.name} runs 1 of 1 replica; the app's connections settled at ${PER_TASK}\\.`));
    const after = await status(services);
    expect(after.services[0]).toMatchObject({ running: 1, desired: 1 });
    expect(after.stopCandidates).toEqual([]);
  });

  it('a task on a node dbpool cannot inspect: counted with the spec\'s pool settings and its siblings\' workers, labelled so', async () => {
    const svc = await swarm.createApp({ name: 'php_swoole_app', replicas: 2, env, serviceLabels: { 'com.example.app': swarm.runId } });
    const [visible, remote] = await swarm.runningTasks(svc.id);
    // Selected by a label on the service alone: its tasks are the app's whatever their names.
    const byLabel = configFor(testEngineAddress(), { APP_CONTAINER_PATTERN: '^no-such-name$', APP_CONTAINER_LABEL: `com.example.app=${swarm.runId}` });
    const labelled = await status(await servicesFor(byLabel));
    expect(labelled.services.map((g) => [g.name, g.running])).toEqual([[svc.name, 2]]);
    expect(labelled.services[0]!.replicas.every((r) => r.inspected)).toBe(true);
    const proxy = await startHidingProxy();
    try {
      proxy.hidden.add(remote!.containerId);
      const config = configFor(proxy.address);
      const services = await servicesFor(config);
      const report = await status(services);
      const replicas = report.services[0]!.replicas;
      expect(replicas.map((r) => [r.id, r.inspected])).toEqual(
        expect.arrayContaining([
          [visible!.containerId, true],
          [remote!.containerId, false],
        ]),
      );
      const hidden = report.facts.instances[0]!.instances.find((i) => i.id === remote!.containerId)!;
      expect(hidden).toMatchObject({ name: expect.stringMatching(new RegExp(`^${svc.name}\\.${remote!.slot}\\.${remote!.id}$`)), processes: null, node: expect.any(String) });
      expect(hidden.poolSize).toEqual({ value: POOL, origin: 'spec' });
      const demand = report.math.instances.find((d) => d.id === remote!.containerId);
      expect(demand).toMatchObject({ workers: WORKERS, workersOrigin: 'replica', poolSizeOrigin: 'spec', demand: PER_TASK });
      expect(report.math.totalDemand).toBe(2 * PER_TASK);
      const text = renderText(report, { lang: 'en' });
      expect(text).toContain('its container could not be inspected (another node)');
      expect(text).toContain('(2 workers (as measured on its other replicas)) x DB_POOL_SIZE 3 (from the service spec) = 6');
      // Without any replica to measure, the configured numbers stand, labelled.
      proxy.hidden.add(visible!.containerId);
      const blind = await status(services);
      expect(blind.math.instances.map((d) => [d.workersOrigin, d.poolSizeOrigin, d.demand])).toEqual([
        ['spec', 'spec', PER_TASK],
        ['spec', 'spec', PER_TASK],
      ]);

      // Through an engine that is a worker, not a manager: only its own tasks, said so.
      proxy.hidden.clear();
      proxy.notManager = true;
      const worker = await status(services);
      expect(worker.services[0]).toMatchObject({ name: svc.name, running: 2, desired: null, read: false });
      expect(worker.findings.find((x) => x.code === 'swarm_services_unread')?.params).toMatchObject({ reason: 'not_manager', services: [svc.name] });
      // The recommendation is still Swarm's command, never `docker stop` on its tasks.
      expect(worker.recommendations.find((r) => r.code === 'scale_down_service')?.commands[0]?.text).toBe(`docker service scale ${svc.name}=1`);
    } finally {
      await proxy.close();
    }
  });

  it('Slack: the scale-down approved with a click offers Undo in the thread; Undo passes the same gate and approval, scales it back once; the checks say the orchestrator converged', async () => {
    const old = await swarm.createApp({ name: 'php_swoole_app', replicas: 1, env });
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = await swarm.createApp({ name: 'php_swoole_app_new', replicas: 1, env });
    const bot = await startTestBot(
      {
        DATABASE_URL: pg.url(),
        DBPOOL_INSTANCE_SOURCE: 'docker',
        DBPOOL_DOCKER_HOSTS: testEngineAddress(),
        APP_CONTAINER_PATTERN: swarm.pattern(),
        APP_DB_USER: 'app',
        DBPOOL_PROBE_TIMEOUT_MS: '10000',
        DBPOOL_VERIFY_DELAY_SECONDS: '0',
        DBPOOL_CONVERGE_TIMEOUT_SECONDS: '60',
        DBPOOL_CONNECT_TIMEOUT_MS: '5000',
        DBPOOL_STATEMENT_TIMEOUT_MS: '5000',
        DBPOOL_APPROVERS: 'U0APPROVER',
        DBPOOL_ALLOWED_USERS: 'U0ONCALL,U0APPROVER',
      },
      undefined,
      // The configured Docker source (the helper's default is none).
      { bot: { services: { instanceSources: undefined } } },
    );
    try {
      const { api, eventsUrl } = bot;
      const click = (actionId: string, value: string, ts: string, id: string, user = 'U0APPROVER', thread?: string) =>
        sendBlockAction(eventsUrl, SIGNING_SECRET, { actionId, value, user_id: user, message_ts: ts, thread_ts: thread, response_url: api.responseUrl(id) });
      const posted = () => api.callsOf('chat.postMessage').map((c) => c.body);
      const checks = () => posted().filter((m) => messageText(m).includes('After the action'));
      const answered = (id: string) => api.waitFor((calls) => calls.some((c) => c.method === 'response_url' && c.responseId === id), 30_000);
      const answer = (id: string) => messageText(api.callsOf('response_url').find((c) => c.responseId === id)!.body);

      await sendSlashCommand(eventsUrl, SIGNING_SECRET, { text: 'stop-extra', user_id: 'U0ONCALL', response_url: api.responseUrl('r') });
      await api.waitFor(() => posted().length >= 1, 30_000);
      const plan = posted()[0]!;
      assertBlockKitLimits(plan.blocks);
      expect(messageText(plan)).toContain(`Scale Swarm service \`${old.name}\` from 1 to 0 replicas`);
      const approve = buttonsOf(plan).find((b) => b.action_id === 'dbpool_approve_plan')!;
      // The stand-in records requests; the clicks name the messages' ts as Slack would.
      const planTs = '1800000000.000001';
      const offerTs = '1800000000.000002';

      await click('dbpool_approve_plan', approve.value, planTs, 'approve');
      await api.waitFor(() => posted().some((m) => buttonsOf(m).some((b) => b.action_id === 'dbpool_undo_scale')), 30_000);
      const offer = posted().find((m) => buttonsOf(m).some((b) => b.action_id === 'dbpool_undo_scale'))!;
      assertBlockKitLimits(offer.blocks);
      expect(offer.thread_ts).toBe(planTs);
      expect(messageText(offer)).toContain(`Undo scales \`${old.name}\` back to 1 replica`);
      await api.waitFor(() => checks().length >= 1, 90_000);
      const verification = messageText(checks()[0]!);
      expect(verification).toContain(`Converged after`);
      expect(verification).toContain(`\`${old.name}\` runs 0 of 0 replicas`);
      // The app's connections: dbpool's own is shown apart, not counted (issue #16).
      expect(verification).toContain(`Connections: ${2 * PER_TASK} before, ${PER_TASK} now`);
      expect((await swarm.serviceSpec(old.id)).replicas).toBe(0);

      // Undo passes the one gate (an outsider is refused before any listener) and the approval (not an approver: refused).
      const undo = buttonsOf(offer).find((b) => b.action_id === 'dbpool_undo_scale')!;
      await click('dbpool_undo_scale', undo.value, offerTs, 'outsider', 'U0OUTSIDER', planTs);
      await answered('outsider');
      expect(answer('outsider')).toContain('not allowed to use dbpool');
      await click('dbpool_undo_scale', undo.value, offerTs, 'oncall', 'U0ONCALL', planTs);
      await answered('oncall');
      expect(answer('oncall')).toContain('not allowed to approve');
      expect((await swarm.serviceSpec(old.id)).replicas).toBe(0);
      const refusals = bot.services.remediation!.auditEntries(50).filter((e) => e.event === 'refused');
      expect(refusals.map((e) => (e.detail as { reason?: string }).reason)).toEqual(expect.arrayContaining(['not_allowed', 'not_approver']));

      await click('dbpool_undo_scale', undo.value, offerTs, 'undo', 'U0APPROVER', planTs);
      await api.waitFor(() => checks().length >= 2, 90_000);
      const updates = api.callsOf('chat.update').filter((c) => c.body.ts === offerTs).map((c) => messageText(c.body));
      expect(updates.at(-1)).toContain('Approved by <@U0APPROVER>');
      expect(updates.at(-1)).toContain('scaled from 0 to 1 replica');
      // The check after the Undo goes into the same thread, compared with the figures before the scale-down.
      expect(checks()[1]!.thread_ts).toBe(planTs);
      expect(messageText(checks()[1]!)).toContain('Compared with the figures before the scale-down this undoes');
      expect(messageText(checks()[1]!)).toContain(`\`${old.name}\` runs 1 of 1 replica`);
      expect((await swarm.serviceSpec(old.id)).replicas).toBe(1);
      expect(await swarm.runningTasks(fresh.id)).toHaveLength(1);
      // The same Undo clicked again: refused, nothing runs twice.
      await click('dbpool_undo_scale', undo.value, offerTs, 'again', 'U0APPROVER', planTs);
      await answered('again');
      expect(answer('again')).toContain('already run');
      expect(bot.services.remediation!.auditEntries(50).filter((e) => e.event === 'executed' && e.action === 'undo_scale')).toHaveLength(1);
    } finally {
      await bot.stop();
    }
  });
});

function buttonsOf(body: Record<string, unknown>): { action_id: string; value: string }[] {
  const blocks = (body.blocks ?? []) as { type: string; elements?: { action_id: string; value: string }[] }[];
  return blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);
}
