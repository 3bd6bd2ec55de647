/**
 * Issue #18's action on a real API server, through the one remediation flow (plan, approve, audit,
 * Undo, the check after it): the older Deployment scaled to 0 through deployments/<name>/scale,
 * approved once under 20 concurrent clicks, the ReplicaSet controller really removing its pod and
 * the check waiting for that; the newer Deployment untouched; Undo back to 1; a Role without the
 * scale rule refused with the rule named, nothing changed.
 */
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createServices, type Services } from '../../src/services.js';
import { kubeSkipReason, startCluster, type TestCluster } from '../helpers/kube-apiserver.js';
import { createDeployment, eventually, grant, nextSecond, podsOf, READ_RULES, SCALE_RULE, SEED_POOL_ENV, setPodRunning } from '../helpers/kube-app.js';
import { allowLoopbackRange, closeAll, connectFrom } from '../helpers/pod-connections.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';

const skip = kubeSkipReason();
const alice = { kind: 'slack' as const, id: 'U_ALICE' };
const bob = { kind: 'slack' as const, id: 'U_BOB' };

interface DeploymentState {
  metadata: { generation: number };
  spec: { replicas: number };
  status: { replicas?: number; readyReplicas?: number };
}

describe.skipIf(skip !== null)('scaling the older Deployment to 0 (real kube-apiserver and controllers)', () => {
  let cluster: TestCluster;
  let server: TestPostgres;
  const open: pg.Client[] = [];
  beforeAll(async () => {
    [cluster, server] = await Promise.all([startCluster(), startPostgres({ maxConnections: 50 })]);
    await allowLoopbackRange(server);
  }, 120_000);
  afterAll(async () => {
    await closeAll(open);
    await Promise.all([cluster?.stop(), server?.stop()]);
  });

  const deployment = (ns: string, name: string) => cluster.api<DeploymentState>('GET', `/apis/apps/v1/namespaces/${ns}/deployments/${name}`);

  /** Old and new side by side, each pod holding connections from its podIP; the old pod's close when it is gone, as its container would. */
  async function sideBySide(ns: string, ip: number, rules = [...READ_RULES, SCALE_RULE]): Promise<Services> {
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', rules);
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: 1, env: SEED_POOL_ENV });
    await nextSecond(cluster, ns, 'php-swoole-app');
    await createDeployment(cluster, ns, { name: 'php-swoole-app-new', replicas: 1, env: SEED_POOL_ENV });
    const [old] = await podsOf(cluster, ns, 'php-swoole-app', 1);
    const [fresh] = await podsOf(cluster, ns, 'php-swoole-app-new', 1);
    await setPodRunning(cluster, ns, old!.metadata.name, `127.0.0.${ip}`);
    await setPodRunning(cluster, ns, fresh!.metadata.name, `127.0.0.${ip + 1}`);
    const oldClients = await connectFrom(server, `127.0.0.${ip}`, 3);
    open.push(...oldClients, ...(await connectFrom(server, `127.0.0.${ip + 1}`, 2)));
    void eventually('the old pod gone', () => cluster.api<{ items: unknown[] }>('GET', `/api/v1/namespaces/${ns}/pods?labelSelector=deployment%3Dphp-swoole-app`), (l) => l.items.length === 0, 120_000)
      .then(() => closeAll(oldClients))
      .catch(() => undefined);
    const config = loadConfig({
      DATABASE_URL: server.url(),
      DBPOOL_INSTANCE_SOURCE: 'kubernetes',
      DBPOOL_KUBECONFIG: await cluster.kubeconfig('dbpool', ns),
      APP_K8S_SELECTOR: 'app=php-swoole-app',
      APP_EXPECTED_INSTANCES: '1',
      DBPOOL_APPROVERS: `${alice.id},${bob.id}`,
      DBPOOL_VERIFY_DELAY_SECONDS: '0',
      DBPOOL_CONVERGE_TIMEOUT_SECONDS: '60',
    });
    return createServices(config, silentLogger(), { stateFile: ':memory:', metrics: false });
  }

  it('approved once under 20 concurrent clicks: the old Deployment at 0 for good, the new one untouched, the check waits for the ReplicaSet; Undo brings it back', async () => {
    const ns = 'scale-down';
    const services = await sideBySide(ns, 71);
    try {
      const flow = services.remediation!;
      const report = await services.diagnoser!.diagnose('status');
      const planned = flow.request('stop_extra', report, alice);
      if (!planned.ok || planned.plan.action !== 'stop_extra') throw new Error(JSON.stringify(planned));
      expect(planned.plan.candidates.map((c) => [c.source, c.name, c.scale?.kind, c.scale?.from, c.scale?.to])).toEqual([['kubernetes', 'php-swoole-app', 'kubernetes', 1, 0]]);
      const generation = (await deployment(ns, 'php-swoole-app')).metadata.generation;
      const freshBefore = await deployment(ns, 'php-swoole-app-new');

      const clicks = await Promise.all(Array.from({ length: 20 }, (_, i) => flow.approve(planned.plan.id, i % 2 ? alice : bob)));
      const done = clicks.filter((c) => c.ok);
      expect(done).toHaveLength(1);
      expect(clicks.filter((c) => !c.ok).map((c) => !c.ok && c.reason)).toEqual(Array.from({ length: 19 }, () => expect.stringMatching(/already_running|already_ran|not_pending/)));
      const result = done[0]!;
      if (!result.ok) throw new Error('expected one approval');
      expect(result.outcome).toEqual({ action: 'stop_extra', instances: [{ id: `${ns}/php-swoole-app`, name: 'php-swoole-app', outcome: 'scaled', scaledFrom: 1, scaledTo: 0 }] });
      // One scale: the spec changed once.
      expect((await deployment(ns, 'php-swoole-app')).metadata.generation).toBe(generation + 1);
      expect(result.undo).toMatchObject({ action: 'undo_scale', services: [{ id: `${ns}/php-swoole-app`, kind: 'kubernetes', from: 0, to: 1 }] });

      const check = await result.verification;
      expect(check).toMatchObject({ kind: 'verified', convergence: { converged: true, services: [{ name: 'php-swoole-app', running: 0, wanted: 0 }] } });
      expect((await deployment(ns, 'php-swoole-app')).spec.replicas).toBe(0);
      expect((await deployment(ns, 'php-swoole-app')).status.readyReplicas ?? 0).toBe(0);
      const freshAfter = await deployment(ns, 'php-swoole-app-new');
      expect([freshAfter.metadata.generation, freshAfter.spec.replicas]).toEqual([freshBefore.metadata.generation, 1]);
      expect(flow.auditEntries(20).filter((e) => e.event === 'executed')).toHaveLength(1);

      // Undo: the same flow, back to 1 replica; the controller creates the pod again.
      const undone = await flow.approve(result.undo!.id, bob);
      if (!undone.ok) throw new Error(undone.reason);
      expect(undone.outcome).toEqual({ action: 'undo_scale', instances: [{ id: `${ns}/php-swoole-app`, name: 'php-swoole-app', outcome: 'scaled', scaledFrom: 0, scaledTo: 1 }] });
      expect((await deployment(ns, 'php-swoole-app')).spec.replicas).toBe(1);
      const [again] = await podsOf(cluster, ns, 'php-swoole-app', 1);
      await setPodRunning(cluster, ns, again!.metadata.name, '127.0.0.73');
      expect(await undone.verification).toMatchObject({ kind: 'verified', undoes: true, convergence: { converged: true, services: [{ name: 'php-swoole-app', running: 1, wanted: 1 }] } });
    } finally {
      await services.close();
    }
  });

  it('a Role without patch on deployments/scale: refused with the rule to add, nothing changed', async () => {
    const ns = 'scale-forbidden';
    const services = await sideBySide(ns, 81, READ_RULES);
    try {
      const flow = services.remediation!;
      const planned = flow.request('stop_extra', await services.diagnoser!.diagnose('status'), alice);
      if (!planned.ok) throw new Error(JSON.stringify(planned));
      const result = await flow.approve(planned.plan.id, bob);
      if (!result.ok) throw new Error(result.reason);
      expect(result.outcome.action === 'stop_extra' && result.outcome.instances).toEqual([
        expect.objectContaining({ name: 'php-swoole-app', outcome: 'refused', reason: 'not_permitted', detail: expect.stringContaining('{apiGroups: ["apps"], resources: ["deployments/scale"], verbs: ["patch"]}') }),
      ]);
      expect(result.undo).toBeUndefined();
      expect((await deployment(ns, 'php-swoole-app')).spec.replicas).toBe(1);
    } finally {
      await services.close();
    }
  });
});
