import { deadlineSignal } from '../../deadline-signal.js';
import { KubeApiError } from './kube-client.js';
import type { KubeEndpoint } from './kube-credentials.js';

export interface PodExecRequest {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface PodExecOutput {
  stdout: string;
  stderr: string;
}

/** The kubelet's streaming protocol: each binary message starts with its channel. */
const PROTOCOL = 'v4.channel.k8s.io';
const STDOUT = 1;
const STDERR = 2;
/** v4: the exec's outcome as a metav1.Status (Success, or Failure with the exit code). */
const STATUS = 3;
/** A process list is a few KB; more is not what dbpool asked for. */
const MAX_OUTPUT = 4 * 1024 * 1024;

/** The status channel's metav1.Status. */
interface ExecStatus {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/** The exit code when there is one (the kubelet's message repeats the whole command); else its message, cut. */
function failureMessage(s: ExecStatus): string {
  const code = s.details?.causes?.find((c) => c.reason === 'ExitCode')?.message;
  if (s.reason === 'NonZeroExitCode' && code) return `the command exited with code ${code}`;
  return (s.message ?? 'the command failed').slice(0, 200);
}

/** The command ran and failed (a non-zero exit, or the kubelet could not start it): the Status's message. */
export class PodExecFailure extends Error {
  override name = 'PodExecFailure';
  constructor(
    message: string,
    readonly reason: string | undefined,
  ) {
    super(message);
  }
}

/**
 * `kubectl exec <pod> -c <container> -- <command>` without kubectl: the pods/exec subresource,
 * upgraded to a WebSocket (v4.channel.k8s.io, which the API server passes through to the node's
 * kubelet), stdout and stderr collected, the outcome read from the status channel. A refusal before
 * the upgrade (403, a pod without a node, a kubelet the API server cannot reach) is a KubeApiError
 * with the API server's message, so it is classified like every other call.
 */
export async function execInPod(endpoint: KubeEndpoint, req: PodExecRequest): Promise<PodExecOutput> {
  const token = endpoint.token ? await endpoint.token() : undefined;
  const query = new URLSearchParams({ container: req.container, stdout: '1', stderr: '1' });
  for (const part of req.command) query.append('command', part);
  const path = `/api/v1/namespaces/${encodeURIComponent(req.namespace)}/pods/${encodeURIComponent(req.pod)}/exec`;
  const url = `${endpoint.server.replace(/^https:/, 'wss:')}${path}?${query.toString()}`;
  // Loaded only when DBPOOL_K8S_EXEC is on: a status run without it never needs a WebSocket.
  const { WebSocket } = await import('ws');
  const deadline = deadlineSignal(req.timeoutMs, req.signal);
  const { signal } = deadline;

  return new Promise<PodExecOutput>((resolve, reject) => {
    const ws = new WebSocket(url, [PROTOCOL], {
      ...(endpoint.ca ? { ca: endpoint.ca } : {}),
      ...(endpoint.cert ? { cert: endpoint.cert } : {}),
      ...(endpoint.key ? { key: endpoint.key } : {}),
      rejectUnauthorized: !endpoint.insecureSkipTlsVerify,
      headers: token ? { authorization: `Bearer ${token}` } : {},
      handshakeTimeout: req.timeoutMs,
      perMessageDeflate: false,
      maxPayload: MAX_OUTPUT,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let status: ExecStatus | null = null;
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      deadline.release();
      fn();
    };
    const onAbort = () => {
      ws.terminate();
      settle(() => reject(req.signal?.aborted ? new DOMException('aborted', 'AbortError') : Object.assign(new Error(`exec: no answer within ${req.timeoutMs} ms`), { code: 'ETIMEDOUT' })));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });

    // Before the upgrade the API server answers like any call: its Status says why (403, 400, 500).
    ws.on('unexpected-response', (_request, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let s: { reason?: string; message?: string } = {};
        try {
          s = JSON.parse(text) as typeof s;
        } catch {
          // Not a Status: the body itself is the message.
        }
        const code = res.statusCode ?? 0;
        ws.terminate();
        settle(() => reject(new KubeApiError(code, s.reason ?? String(code), s.message ?? (text.slice(0, 200) || `HTTP ${code}`), { verb: 'GET', path })));
      });
    });
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary || data.length === 0) return;
      const body = data.subarray(1);
      size += body.length;
      if (size > MAX_OUTPUT) {
        ws.terminate();
        return settle(() => reject(new Error(`exec: more than ${MAX_OUTPUT} bytes of output`)));
      }
      if (data[0] === STDOUT) out.push(body);
      else if (data[0] === STDERR) err.push(body);
      else if (data[0] === STATUS && body.length > 0) {
        try {
          status = JSON.parse(body.toString('utf8')) as ExecStatus;
        } catch {
          status = { status: 'Failure', message: body.toString('utf8').slice(0, 200) };
        }
      }
    });
    ws.on('error', (e) => settle(() => reject(e)));
    ws.on('close', () => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      const s = status as ExecStatus | null;
      if (s?.status === 'Success') return settle(() => resolve({ stdout, stderr }));
      // The kubelet always ends a v4 stream with its status: without one the output may be cut.
      const message = s ? failureMessage(s) : 'the exec stream closed without its status';
      settle(() => reject(new PodExecFailure(stderr.trim() ? `${message}: ${stderr.trim().slice(0, 200)}` : message, s?.reason)));
    });
  });
}
