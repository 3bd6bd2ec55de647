import https from 'node:https';
import { deadlineSignal } from '../../deadline-signal.js';
import type { KubeEndpoint } from './kube-credentials.js';

/** An answer of the API server other than 2xx: its Status object's reason and message, kept as they came. */
export class KubeApiError extends Error {
  override name = 'KubeApiError';
  constructor(
    readonly status: number,
    readonly reason: string,
    message: string,
    /** What was asked, for a 403's rule: the verb and the resource path. */
    readonly request: { verb: string; path: string },
  ) {
    super(message);
  }
}

export interface KubeRequest {
  method?: 'GET' | 'PATCH' | 'PUT';
  body?: unknown;
  /** PATCH: application/merge-patch+json unless said. */
  contentType?: string;
  signal?: AbortSignal;
  timeoutMs: number;
}

/**
 * The API server over plain HTTPS, with the kubeconfig's or the service account's credentials:
 * a handful of GETs and one PATCH need no client library (see README "Kubernetes" for the figures
 * that decided it). One keep-alive agent per endpoint; every request bounded by its timeout.
 */
export class KubeClient {
  private readonly agent: https.Agent;

  constructor(readonly endpoint: KubeEndpoint) {
    this.agent = new https.Agent({
      keepAlive: true,
      maxSockets: 8,
      ...(endpoint.ca ? { ca: endpoint.ca } : {}),
      ...(endpoint.cert ? { cert: endpoint.cert } : {}),
      ...(endpoint.key ? { key: endpoint.key } : {}),
      rejectUnauthorized: !endpoint.insecureSkipTlsVerify,
    });
  }

  async request<T>(path: string, options: KubeRequest): Promise<T> {
    const method = options.method ?? 'GET';
    const token = this.endpoint.token ? await this.endpoint.token() : undefined;
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const url = new URL(this.endpoint.server + path);
    const deadline = deadlineSignal(options.timeoutMs, options.signal);
    const { signal } = deadline;
    return new Promise<T>((resolve, reject) => {
      const req = https.request(
        url,
        {
          method,
          agent: this.agent,
          signal,
          headers: {
            accept: 'application/json',
            ...(token ? { authorization: `Bearer ${token}` } : {}),
            ...(body !== undefined ? { 'content-type': options.contentType ?? 'application/merge-patch+json', 'content-length': Buffer.byteLength(body) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            let parsed: unknown;
            try {
              parsed = text ? JSON.parse(text) : undefined;
            } catch {
              parsed = undefined;
            }
            if (status >= 200 && status < 300) return resolve(parsed as T);
            const s = (parsed ?? {}) as { reason?: string; message?: string };
            reject(new KubeApiError(status, s.reason ?? String(status), s.message ?? (text.slice(0, 200) || `HTTP ${status}`), { verb: method, path }));
          });
        },
      );
      req.on('error', (err) => reject(signal.aborted && !options.signal?.aborted ? Object.assign(new Error(`no answer within ${options.timeoutMs} ms`), { code: 'ETIMEDOUT' }) : err));
      if (body !== undefined) req.write(body);
      req.end();
    }).finally(() => deadline.release());
  }

  close(): void {
    this.agent.destroy();
  }
}
