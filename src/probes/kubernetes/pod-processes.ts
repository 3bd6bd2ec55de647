import type { AppInstance, ProbeError } from '../../core/facts.js';
import { classifyProcessRoles } from '../classify-process-roles.js';
import { mapWithConcurrency } from '../docker/map-with-concurrency.js';
import { selectAppProcesses } from '../docker/parse-process-table.js';
import { kubeProbeError } from './classify-kube-error.js';
import type { KubeEndpoint } from './kube-credentials.js';
import { execInPod, PodExecFailure } from './pod-exec.js';
import { entriesFromProcScan, PROC_SCAN_COMMAND } from './proc-scan-command.js';

/** A running pod whose app container can be asked for its processes. */
export interface ExecTarget {
  /** The instance's id (the pod's uid). */
  id: string;
  pod: string;
  container: string;
}

export interface PodProcessContext {
  endpoint: KubeEndpoint;
  namespace: string;
  /** "kubernetes <context>/<namespace>": the start of each error's source. */
  source: string;
  processPattern: RegExp;
  timeoutMs: number;
  concurrency: number;
  signal?: AbortSignal;
}

/**
 * DBPOOL_K8S_EXEC: each running pod's processes, listed in its app container through pods/exec and
 * classified as a container's are (master, manager, workers, task workers), so the pool math counts
 * what runs. A pod whose list cannot be read keeps processes null, and so its configured workers,
 * with the reason as its error. A 403 is the namespace's answer, not the pod's: it is said once (on
 * the first pod refused), and the pods not yet asked are not asked.
 */
export async function withPodProcesses(instances: AppInstance[], targets: ExecTarget[], ctx: PodProcessContext): Promise<AppInstance[]> {
  const byId = new Map(targets.map((t) => [t.id, t]));
  let forbidden = false;
  return mapWithConcurrency(instances, ctx.concurrency, async (instance) => {
    const target = byId.get(instance.id);
    if (!target || forbidden) return instance;
    const source = `${ctx.source} ${target.pod}/${target.container}`;
    try {
      const { stdout } = await execInPod(ctx.endpoint, { namespace: ctx.namespace, pod: target.pod, container: target.container, command: [...PROC_SCAN_COMMAND], timeoutMs: ctx.timeoutMs, signal: ctx.signal });
      const entries = entriesFromProcScan(stdout);
      const processes = classifyProcessRoles(selectAppProcesses(entries, ctx.processPattern));
      if (processes.length > 0) return { ...instance, processes };
      const sample = entries.slice(0, 3).map((e) => JSON.stringify(e.command.slice(0, 60))).join(', ');
      const error: ProbeError = { kind: 'not_found', source, message: sample, hint: { code: 'no_matching_process', pattern: ctx.processPattern.source, count: entries.length, via: 'pods/exec' } };
      return { ...instance, errors: [...instance.errors, error] };
    } catch (err) {
      const error = execError(err, source, ctx.namespace);
      if (error.kind === 'permission_denied') {
        if (forbidden) return instance;
        forbidden = true;
      }
      return { ...instance, errors: [...instance.errors, error] };
    }
  });
}

function execError(err: unknown, source: string, namespace: string): ProbeError {
  if (err instanceof PodExecFailure) return { kind: 'other', source, message: err.message, ...(err.reason ? { code: err.reason } : {}), hint: { code: 'k8s_exec_failed' } };
  // A WebSocket upgrade is a GET: API servers authorize it as `get pods/exec`, newer ones as `create` too.
  const error = kubeProbeError(err, source, { verb: 'create', resource: 'pods/exec', apiGroup: '', namespace });
  if (error.kind === 'permission_denied') return { ...error, hint: { code: 'k8s_exec_forbidden', namespace } };
  return error.hint ? error : { ...error, hint: { code: 'k8s_exec_failed' } };
}
