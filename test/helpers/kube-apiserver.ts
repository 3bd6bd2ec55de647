/**
 * A real Kubernetes control plane for the tests: etcd, kube-apiserver and kube-controller-manager
 * (v1.20.2, built from Debian's source by ../shared/tools/install-kube-apiserver.sh) on free
 * 127.0.0.1 ports in a temporary directory. No kubelet and no scheduler: the controllers create
 * real Pods that never run; a test sets what a kubelet would (phase, readiness, podIP) through the
 * pods/<name>/status subresource, for the pods it wants running.
 *
 * The rule: a test that needs it and finds no binaries prints why and skips, unless
 * DBPOOL_REQUIRE_KUBERNETES=1 (CI), where it fails instead.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './postgres-server.js';
import { makeCertificates } from './test-certificates.js';

const VERSION = '1.20.2';
const VERBOSE = process.env.DBPOOL_TEST_KUBE_VERBOSE === '1';

/** Where the install script puts the binaries (its CACHE), or DBPOOL_KUBE_BIN. */
export function kubeBinDir(): string {
  return process.env.DBPOOL_KUBE_BIN ?? path.join(process.env.DBPOOL_TOOLS_CACHE ?? '/var/cache/dbpool-tools', `kubernetes-${VERSION}`, 'bin');
}

function onPath(command: string): boolean {
  return (process.env.PATH ?? '').split(':').some((d) => d && existsSync(path.join(d, command)));
}

/** Null when the control plane can start here; otherwise why not. Throws when DBPOOL_REQUIRE_KUBERNETES=1. */
export function kubeSkipReason(): string | null {
  const bin = kubeBinDir();
  const missing = [
    ...['kube-apiserver', 'kube-controller-manager'].filter((b) => !existsSync(path.join(bin, b))).map((b) => `${b} in ${bin}`),
    ...(onPath('etcd') ? [] : ['etcd on PATH']),
  ];
  if (missing.length === 0) return null;
  const reason = `no Kubernetes control plane (missing ${missing.join(', ')}); run bash ../shared/tools/install-kube-apiserver.sh from the repository`;
  if (process.env.DBPOOL_REQUIRE_KUBERNETES === '1') throw new Error(`DBPOOL_REQUIRE_KUBERNETES=1 but ${reason}`);
  console.warn(`[kubernetes tests skipped] ${reason}`);
  return reason;
}

/** Token users of the API server (--token-auth-file): admin is system:masters; the others get what RBAC gives them. */
export const TOKENS = { admin: 'dbpool-test-admin-token', dbpool: 'dbpool-test-dbpool-token', limited: 'dbpool-test-limited-token' } as const;
export type TestUser = keyof typeof TOKENS;

export interface TestCluster {
  /** https://127.0.0.1:<port> */
  server: string;
  /** PEM of the CA that signed the API server's certificate. */
  ca: string;
  dir: string;
  /** Writes a kubeconfig (JSON, which kubectl reads too) for a token user, or for a client certificate; returns its path. */
  kubeconfig(user: TestUser | 'client-certificate' | { token: string }, namespace?: string, file?: string): Promise<string>;
  /** One call as admin; throws on a non-2xx answer with the API's message. */
  api<T = unknown>(method: string, apiPath: string, body?: unknown, contentType?: string): Promise<T>;
  /** A namespace whose default ServiceAccount exists (pods cannot be created before). */
  namespace(name: string): Promise<void>;
  /** Stops the API server only (etcd and the controllers stay): the "API server down" case. */
  stopApiServer(): Promise<void>;
  stop(): Promise<void>;
}

interface Proc {
  name: string;
  child: ChildProcess;
  log: string[];
}

function start(name: string, command: string, args: string[]): Proc {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const keep = (b: Buffer) => {
    const text = b.toString();
    log.push(text);
    if (log.length > 80) log.shift();
    if (VERBOSE) process.stderr.write(`[${name}] ${text}`);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, child, log };
}

async function stopProc(p: Proc): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => p.child.once('exit', () => resolve()));
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `check` until it returns true; fails with the processes' last words. */
async function waitFor(what: string, check: () => Promise<boolean>, procs: Proc[], timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const p of procs) {
      if (p.child.exitCode !== null) throw new Error(`${p.name} exited (${p.child.exitCode}) while waiting for ${what}:\n${p.log.join('').slice(-3000)}`);
    }
    if (await check().catch(() => false)) return;
    if (Date.now() > until) throw new Error(`${what} not ready within ${timeoutMs} ms:\n${procs.map((p) => `${p.name}: ${p.log.join('').slice(-1500)}`).join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A free port is only free when picked: another test file's server can bind it before etcd or the
 * API server does. Such a start is tried again on new ports; any other failure is final.
 */
export async function startCluster(): Promise<TestCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startClusterOnce();
    } catch (err) {
      if (attempt >= 3 || !/address already in use/.test(String(err))) throw err;
    }
  }
}

async function startClusterOnce(): Promise<TestCluster> {
  const bin = kubeBinDir();
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-kube-'));
  const at = (f: string) => path.join(dir, f);
  await makeCertificates(at('certs'), 'dbpool test cluster CA');
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  await writeFile(at('sa.key'), privateKey.export({ type: 'pkcs1', format: 'pem' }));
  await writeFile(at('sa.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
  await writeFile(at('tokens.csv'), `${TOKENS.admin},admin,admin,system:masters\n${TOKENS.dbpool},dbpool,dbpool\n${TOKENS.limited},limited,limited\n`);
  const [etcdPort, peerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
  const ca = await readFile(at('certs/ca.pem'), 'utf8');
  const server = `https://127.0.0.1:${apiPort}`;
  const procs: Proc[] = [];
  const agent = new https.Agent({ ca, keepAlive: false });

  const api = <T>(method: string, apiPath: string, body?: unknown, contentType = 'application/json'): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const data = body === undefined ? undefined : JSON.stringify(body);
      const req = https.request(
        `${server}${apiPath}`,
        {
          method,
          agent,
          headers: { authorization: `Bearer ${TOKENS.admin}`, accept: 'application/json', ...(data ? { 'content-type': contentType } : {}) },
          timeout: 10_000,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString();
            if ((res.statusCode ?? 0) >= 300) return reject(new Error(`${method} ${apiPath}: ${res.statusCode} ${text.slice(0, 500)}`));
            resolve((text && (res.headers['content-type'] ?? '').includes('json') ? JSON.parse(text) : text) as T);
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${apiPath}: no answer`)));
      req.on('error', reject);
      if (data) req.write(data);
      req.end();
    });

  const kubeconfig = async (user: TestUser | 'client-certificate' | { token: string }, namespace = 'default', file?: string) => {
    const name = typeof user === 'string' ? user : 'token';
    file ??= at(`kubeconfig-${name}-${namespace}-${Math.random().toString(36).slice(2)}.json`);
    const credentials =
      user === 'client-certificate'
        ? { 'client-certificate': at('certs/client.pem'), 'client-key': at('certs/client-key.pem') }
        : { token: typeof user === 'string' ? TOKENS[user] : user.token };
    await writeFile(
      file,
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Config',
        'current-context': 'test',
        clusters: [{ name: 'test', cluster: { server, 'certificate-authority': at('certs/ca.pem') } }],
        users: [{ name, user: credentials }],
        contexts: [{ name: 'test', context: { cluster: 'test', user: name, namespace } }],
      }),
    );
    return file;
  };

  const stopAll = async () => {
    for (const p of [...procs].reverse()) await stopProc(p);
    agent.destroy();
    await rm(dir, { recursive: true, force: true });
  };

  try {
    const etcd = start('etcd', 'etcd', [
      `--data-dir=${at('etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${peerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${peerPort}`,
      '--listen-metrics-urls=http://127.0.0.1:0',
    ]);
    procs.push(etcd);
    await waitFor('etcd', async () => (await fetch(`http://127.0.0.1:${etcdPort}/health`)).ok, procs);
    const apiserver = start('kube-apiserver', path.join(bin, 'kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${at('apiserver-certs')}`,
      `--tls-cert-file=${at('certs/server.pem')}`,
      `--tls-private-key-file=${at('certs/server-key.pem')}`,
      `--client-ca-file=${at('certs/ca.pem')}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${at('sa.pub')}`,
      `--service-account-signing-key-file=${at('sa.key')}`,
      `--token-auth-file=${at('tokens.csv')}`,
      '--authorization-mode=RBAC',
      '--anonymous-auth=false',
      '--service-cluster-ip-range=10.96.0.0/24',
      '--endpoint-reconciler-type=none',
      '--insecure-port=0',
    ]);
    procs.push(apiserver);
    await waitFor('kube-apiserver /readyz', async () => (await api<string>('GET', '/readyz')) === 'ok', procs);
    const cmConfig = await kubeconfig('admin', 'default', at('kubeconfig-controller-manager.json'));
    procs.push(
      start('kube-controller-manager', path.join(bin, 'kube-controller-manager'), [
        `--kubeconfig=${cmConfig}`,
        // No port at all: nothing here reads its health, and a port picked free can be taken
        // by another test before the controller binds it.
        '--secure-port=0',
        '--port=0',
        '--leader-elect=false',
        `--service-account-private-key-file=${at('sa.key')}`,
        `--root-ca-file=${at('certs/ca.pem')}`,
      ]),
    );
    await waitFor('the default ServiceAccount', async () => Boolean(await api('GET', '/api/v1/namespaces/default/serviceaccounts/default')), procs);
  } catch (err) {
    await stopAll();
    throw err;
  }

  return {
    server,
    ca,
    dir,
    kubeconfig,
    api,
    async namespace(name) {
      await api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      await waitFor(`the default ServiceAccount of ${name}`, async () => Boolean(await api('GET', `/api/v1/namespaces/${name}/serviceaccounts/default`)), procs);
    },
    async stopApiServer() {
      const p = procs.find((x) => x.name === 'kube-apiserver');
      if (p) await stopProc(p);
    },
    stop: stopAll,
  };
}
