/**
 * DBPOOL_K8S_EXEC (issue #18's opt-in) against a real kube-apiserver: off by default (no exec is
 * made), refused by RBAC (one finding naming role-exec.yaml's rule, configured counts), and every
 * other failure the API server or a kubelet gives (node unreachable, a command that fails, no answer)
 * kept on its pod with the reason, the report still made. The API server proxies the exec to a
 * stand-in kubelet on 127.0.0.1 (test/helpers/kube-kubelet.ts), as it would to a node's.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Facts, InstanceObservation } from '../../../src/core/facts.js';
import { instanceDemand } from '../../../src/core/pool-math.js';
import { buildReport } from '../../../src/core/report.js';
import { entriesFromProcScan } from '../../../src/probes/kubernetes/proc-scan-command.js';
import { renderText } from '../../../src/render/text.js';
import { kubeSkipReason, startCluster, type TestCluster } from '../../helpers/kube-apiserver.js';
import { createDeployment, grant, podsOf, READ_RULES, SEED_POOL_ENV, setPodRunning, type Rule } from '../../helpers/kube-app.js';
import { bindPod, registerNode, startStandInKubelet, type StandInKubelet } from '../../helpers/kube-kubelet.js';
import { freePort } from '../../helpers/postgres-server.js';
import { settings } from '../../fixtures/report-settings.js';
import { kubeConfig, observeCluster } from './fixtures.js';

const skip = kubeSkipReason();
const POOL_ENV = [...SEED_POOL_ENV, { name: 'SWOOLE_TASK_WORKER_NUM', value: '2' }];
/** The rules of deploy/kubernetes/role-exec.yaml, as shipped. */
const EXEC_RULES = (parseAllDocuments(readFileSync(new URL('../../../deploy/kubernetes/role-exec.yaml', import.meta.url), 'utf8'))[0]!.toJSON() as { rules: Rule[] }).rules;

describe('the process scan of pods/exec', () => {
  it('reads pid, PPid and the NUL-separated command line (a title as ps shows it)', () => {
    const text = '1 0 php\0server.php\0\n7 1 app.Worker.0\0\0\0\n9 1 \n12 7 sh\0-c\0for d in /proc\n';
    expect(entriesFromProcScan(text)).toEqual([
      { pid: 1, ppid: 0, command: 'php server.php' },
      { pid: 7, ppid: 1, command: 'app.Worker.0' },
      { pid: 12, ppid: 7, command: 'sh -c for d in /proc' },
    ]);
  });
});

describe.skipIf(skip !== null)('DBPOOL_K8S_EXEC through a real kube-apiserver', () => {
  let cluster: TestCluster;
  let kubelet: StandInKubelet;
  let answer: Parameters<typeof startStandInKubelet>[1] = async () => ({ stdout: '', exitCode: 0 });
  beforeAll(async () => {
    cluster = await startCluster();
    kubelet = await startStandInKubelet(cluster, (e) => answer(e));
    await registerNode(cluster, 'node-a', kubelet.port);
    // A node whose kubelet does not listen: the API server cannot reach it.
    await registerNode(cluster, 'node-gone', await freePort());
  }, 120_000);
  afterAll(async () => {
    await kubelet?.stop();
    await cluster?.stop();
  });

  /** The app's Deployment with `nodes.length` pods, running on those nodes as a kubelet would report. */
  const app = async (ns: string, rules: Rule[], nodes: string[]) => {
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', rules);
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: nodes.length, env: POOL_ENV });
    const pods = await podsOf(cluster, ns, 'php-swoole-app', nodes.length);
    for (const [i, p] of pods.entries()) {
      await bindPod(cluster, ns, p.metadata.name, nodes[i]!);
      await setPodRunning(cluster, ns, p.metadata.name, `127.0.1.${i + 1}`);
    }
    return pods.map((p) => p.metadata.name);
  };
  const execsIn = (ns: string) => kubelet.execs.filter((e) => e.namespace === ns);
  const report = (obs: InstanceObservation) => {
    const facts: Facts = {
      observedAt: new Date().toISOString(),
      postgres: { ok: false, error: { kind: 'unreachable', source: 'postgres', message: 'not started' }, database: 'madras', host: '127.0.0.1' },
      instances: [obs],
      pgbouncers: [],
    };
    return buildReport('status', facts, settings({ expectedInstances: 2 }));
  };

  it('off by default: no exec is made even when allowed; workers as configured', async () => {
    const ns = 'exec-off';
    await app(ns, [...READ_RULES, ...EXEC_RULES], ['node-a', 'node-a']);
    const obs = await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns)));
    expect(obs.ok).toBe(true);
    expect(obs.instances.map((i) => [i.processes, i.workerNum, i.errors])).toEqual([
      [null, { value: 4, origin: 'spec' }, []],
      [null, { value: 4, origin: 'spec' }, []],
    ]);
    expect(execsIn(ns)).toEqual([]);
  });

  it('on, with a Role lacking pods/exec: one finding naming the rule, workers as configured', async () => {
    const ns = 'exec-forbidden';
    await app(ns, READ_RULES, ['node-a', 'node-a']);
    const obs = await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns), { DBPOOL_K8S_EXEC: 'true' }));
    expect(obs.ok).toBe(true);
    expect(execsIn(ns)).toEqual([]);
    expect(obs.instances.map((i) => i.processes)).toEqual([null, null]);
    // Said once for the namespace, not once per pod.
    const errors = obs.instances.flatMap((i) => i.errors);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'permission_denied', code: '403', hint: { code: 'k8s_exec_forbidden', namespace: ns } });
    expect(errors[0]?.message).toMatch(/cannot \w+ resource "pods\/exec"/);
    expect(obs.instances.map((i) => [instanceDemand(i).workersOrigin, instanceDemand(i).holders])).toEqual([
      ['spec', 6],
      ['spec', 6],
    ]);

    const r = report(obs);
    expect(r.findings.filter((f) => f.code === 'instance_probe_failed')).toHaveLength(1);
    const en = renderText(r, { lang: 'en' });
    expect(en).toContain(`dbpool may not create pods/exec in namespace ${ns}: add this rule to its Role (deploy/kubernetes/role-exec.yaml): {apiGroups: [""], resources: ["pods/exec"], verbs: ["get", "create"]}`);
    expect(renderText(r, { lang: 'fa' })).toContain('deploy/kubernetes/role-exec.yaml');
  });

  it("on, with role-exec.yaml's rule: a kubelet the API server cannot reach, a command that fails, one that never answers — each pod says why, nothing else fails", async () => {
    const ns = 'exec-failures';
    const [gone, failing, hanging] = await app(ns, [...READ_RULES, ...EXEC_RULES], ['node-gone', 'node-a', 'node-a']);
    answer = async (e) => (e.pod === hanging ? 'hang' : { stdout: '', stderr: 'sh: not found', exitCode: 127 });
    const obs = await observeCluster(kubeConfig(await cluster.kubeconfig('dbpool', ns), { DBPOOL_K8S_EXEC: 'true', DBPOOL_PROBE_TIMEOUT_MS: '1500' }));
    expect(obs.ok).toBe(true);
    const byPod = new Map(obs.instances.map((i) => [i.name, i]));
    expect(obs.instances.every((i) => i.processes === null && i.workerNum.origin === 'spec')).toBe(true);
    // The API server dials the node's kubelet itself and says it could not.
    expect(byPod.get(gone!)?.errors).toEqual([expect.objectContaining({ kind: 'other', hint: { code: 'k8s_exec_failed' } })]);
    expect(byPod.get(gone!)?.errors[0]?.message).toMatch(/dial|connect|refused/i);
    expect(byPod.get(failing!)?.errors).toEqual([
      expect.objectContaining({ kind: 'other', code: 'NonZeroExitCode', message: 'the command exited with code 127: sh: not found', hint: { code: 'k8s_exec_failed' } }),
    ]);
    expect(byPod.get(hanging!)?.errors).toEqual([expect.objectContaining({ kind: 'timeout', hint: { code: 'k8s_exec_failed' } })]);
    // What reached the kubelet: the scan in the app's container.
    expect(execsIn(ns).map((e) => [e.pod, e.container, e.command.slice(0, 2)]).sort()).toEqual(
      [
        [failing, 'app', ['sh', '-c']],
        [hanging, 'app', ['sh', '-c']],
      ].sort(),
    );
    const en = renderText(report(obs), { lang: 'en' });
    expect(en).toContain("the pod's processes could not be listed through pods/exec: its workers are counted as configured");
  });
});
