import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from '../../config.js';

/** Where the kubelet mounts a pod's service account: its token, the cluster's CA, its namespace. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** How to reach one API server and who to be there: what a kubeconfig context or a service account says. */
export interface KubeEndpoint {
  /** https://host:port, without a trailing slash. */
  server: string;
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  /** A bearer token; a function for a token file (a service account's is rotated by the kubelet). */
  token?: () => Promise<string>;
  insecureSkipTlsVerify: boolean;
  /** The namespace the context (or the service account) names; 'default' when none does. */
  namespace: string;
  /** What the reports call it: the context's name, or "in-cluster". */
  label: string;
}

export class KubeConfigError extends Error {
  override name = 'KubeConfigError';
}

/**
 * DBPOOL_KUBECONFIG wins (dbpool outside the cluster, or a test); else the pod's service account
 * when running in a cluster. Only static credentials are read: a token, a token file or client
 * certificates. An `exec` or `auth-provider` user (cloud plugins) is refused with its reason.
 */
export async function loadKubeEndpoint(k8s: Config['kubernetes'], serviceAccountDir = SERVICE_ACCOUNT_DIR): Promise<KubeEndpoint> {
  if (k8s.kubeconfig) return fromKubeconfig(k8s.kubeconfig);
  if (k8s.inCluster) return fromServiceAccount(k8s.inCluster, serviceAccountDir);
  throw new KubeConfigError('not in a cluster (no KUBERNETES_SERVICE_HOST) and DBPOOL_KUBECONFIG is not set');
}

async function fromServiceAccount(at: { host: string; port: number }, dir: string): Promise<KubeEndpoint> {
  const tokenFile = path.join(dir, 'token');
  const [ca, namespace] = await Promise.all([
    readFile(path.join(dir, 'ca.crt')).catch(() => {
      throw new KubeConfigError(`KUBERNETES_SERVICE_HOST is set but ${dir} holds no service account (automountServiceAccountToken: false?); or set DBPOOL_KUBECONFIG`);
    }),
    readFile(path.join(dir, 'namespace'), 'utf8').catch(() => 'default'),
  ]);
  const host = at.host.includes(':') ? `[${at.host}]` : at.host;
  return {
    server: `https://${host}:${at.port}`,
    ca,
    token: async () => (await readFile(tokenFile, 'utf8')).trim(),
    insecureSkipTlsVerify: false,
    namespace: namespace.trim() || 'default',
    label: 'in-cluster',
  };
}

interface Named<T> {
  name: string;
  [key: string]: unknown;
  value?: T;
}

async function fromKubeconfig(file: string): Promise<KubeEndpoint> {
  let doc: Record<string, unknown>;
  try {
    doc = await parseKubeconfig(await readFile(file, 'utf8'));
  } catch (err) {
    throw new KubeConfigError(`DBPOOL_KUBECONFIG ${file}: ${(err as Error).message}`);
  }
  const dir = path.dirname(file);
  const current = String(doc['current-context'] ?? '');
  const pick = <T>(list: unknown, name: string, field: string): T => {
    const found = (Array.isArray(list) ? (list as Named<T>[]) : []).find((x) => x.name === name);
    if (!found) throw new KubeConfigError(`DBPOOL_KUBECONFIG ${file}: no ${field} named "${name}"`);
    return (found[field] ?? {}) as T;
  };
  if (!current) throw new KubeConfigError(`DBPOOL_KUBECONFIG ${file}: no current-context`);
  const context = pick<{ cluster?: string; user?: string; namespace?: string }>(doc.contexts, current, 'context');
  const cluster = pick<Record<string, unknown>>(doc.clusters, String(context.cluster ?? ''), 'cluster');
  const user = context.user ? pick<Record<string, unknown>>(doc.users, context.user, 'user') : {};
  if (user.exec || user['auth-provider']) {
    throw new KubeConfigError(`DBPOOL_KUBECONFIG ${file}: user "${context.user}" gets its credentials from a plugin (exec/auth-provider); give dbpool a token or client certificates`);
  }
  const server = String(cluster.server ?? '').replace(/\/+$/, '');
  if (!server.startsWith('https://')) throw new KubeConfigError(`DBPOOL_KUBECONFIG ${file}: cluster server "${server}" is not https://`);
  const material = async (dataKey: string, fileKey: string, from: Record<string, unknown>) => {
    if (typeof from[dataKey] === 'string') return Buffer.from(from[dataKey], 'base64');
    if (typeof from[fileKey] === 'string') return readFile(path.resolve(dir, from[fileKey]));
    return undefined;
  };
  const [ca, cert, key] = await Promise.all([
    material('certificate-authority-data', 'certificate-authority', cluster),
    material('client-certificate-data', 'client-certificate', user),
    material('client-key-data', 'client-key', user),
  ]);
  const tokenFile = typeof user.tokenFile === 'string' ? path.resolve(dir, user.tokenFile) : undefined;
  const token = typeof user.token === 'string' ? user.token : undefined;
  return {
    server,
    ...(ca ? { ca } : {}),
    ...(cert ? { cert } : {}),
    ...(key ? { key } : {}),
    ...(token !== undefined ? { token: async () => token } : tokenFile ? { token: async () => (await readFile(tokenFile, 'utf8')).trim() } : {}),
    insecureSkipTlsVerify: cluster['insecure-skip-tls-verify'] === true,
    namespace: context.namespace ?? 'default',
    label: current,
  };
}

/** JSON (which kubectl reads too) without loading a YAML parser; YAML loaded only when needed (~80 ms of a CLI run). */
async function parseKubeconfig(text: string): Promise<Record<string, unknown>> {
  if (text.trimStart().startsWith('{')) return JSON.parse(text) as Record<string, unknown>;
  const { parse } = await import('yaml');
  return (parse(text) ?? {}) as Record<string, unknown>;
}
