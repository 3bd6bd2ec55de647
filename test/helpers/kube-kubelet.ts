/**
 * A stand-in kubelet for the test cluster's pods/exec (the test control plane has no kubelet): an
 * HTTPS server on 127.0.0.1 that a Node object points to (status.addresses InternalIP 127.0.0.1,
 * daemonEndpoints.kubeletEndpoint.Port), so that the real kube-apiserver authorizes an exec and
 * proxies its WebSocket (v4.channel.k8s.io) to it, as it would to a node's kubelet at
 * /exec/<namespace>/<pod>/<container>?command=…&output=1&error=1. What runs the command is the
 * test's: e.g. `docker exec` into a real container, which is what a kubelet asks its runtime.
 */
import { readFile } from 'node:fs/promises';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type Docker from 'dockerode';
import { WebSocketServer } from 'ws';
import { demuxDockerStream } from '../../src/probes/docker/demux-docker-stream.js';
import type { TestCluster } from './kube-apiserver.js';

export interface KubeletExec {
  namespace: string;
  pod: string;
  container: string;
  command: string[];
}

export interface ExecResult {
  stdout: string;
  stderr?: string;
  exitCode: number;
}

/** Runs one exec; 'hang' never answers (the client's timeout is what ends it). */
export type ExecHandler = (exec: KubeletExec) => Promise<ExecResult | 'hang'>;

export interface StandInKubelet {
  port: number;
  /** Every exec that reached this kubelet through the API server, in order. */
  execs: KubeletExec[];
  stop(): Promise<void>;
}

const PROTOCOL = 'v4.channel.k8s.io';

/** Serves with the test cluster's server certificate (for 127.0.0.1); the API server does not check it without --kubelet-certificate-authority. */
export async function startStandInKubelet(cluster: TestCluster, handler: ExecHandler): Promise<StandInKubelet> {
  const certs = path.join(cluster.dir, 'certs');
  const server = https.createServer({ cert: await readFile(path.join(certs, 'server.pem')), key: await readFile(path.join(certs, 'server-key.pem')) }, (_req, res) => {
    res.writeHead(400, { 'content-type': 'text/plain' }).end('Upgrade request required');
  });
  const wss = new WebSocketServer({ noServer: true, handleProtocols: (offered) => (offered.has(PROTOCOL) ? PROTOCOL : false) });
  const execs: KubeletExec[] = [];
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'https://kubelet');
    const m = /^\/exec\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (!m) return socket.destroy();
    const exec = { namespace: decodeURIComponent(m[1]!), pod: decodeURIComponent(m[2]!), container: decodeURIComponent(m[3]!), command: url.searchParams.getAll('command') };
    execs.push(exec);
    wss.handleUpgrade(req, socket, head, (ws) => {
      const send = (channel: number, payload: string) => ws.send(Buffer.concat([Buffer.from([channel]), Buffer.from(payload)]));
      void handler(exec).then(
        (result) => {
          if (result === 'hang') return;
          if (result.stdout) send(1, result.stdout);
          if (result.stderr) send(2, result.stderr);
          send(
            3,
            JSON.stringify(
              result.exitCode === 0
                ? { metadata: {}, status: 'Success' }
                : {
                    metadata: {},
                    status: 'Failure',
                    message: `command terminated with non-zero exit code: error executing command [${exec.command.join(' ')}], exit code ${result.exitCode}`,
                    reason: 'NonZeroExitCode',
                    details: { causes: [{ reason: 'ExitCode', message: String(result.exitCode) }] },
                  },
            ),
          );
          ws.close(1000);
        },
        (err: unknown) => {
          send(3, JSON.stringify({ metadata: {}, status: 'Failure', message: String((err as Error).message ?? err), reason: 'InternalError' }));
          ws.close(1000);
        },
      );
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    execs,
    async stop() {
      for (const ws of wss.clients) ws.terminate();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A Node whose kubelet is at 127.0.0.1:<port>, as a kubelet would register and report itself. */
export async function registerNode(cluster: TestCluster, name: string, kubeletPort: number): Promise<void> {
  await cluster.api('POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name } });
  await cluster.api(
    'PATCH',
    `/api/v1/nodes/${name}/status`,
    { status: { addresses: [{ type: 'InternalIP', address: '127.0.0.1' }], daemonEndpoints: { kubeletEndpoint: { Port: kubeletPort } } } },
    'application/merge-patch+json',
  );
}

/** What the scheduler does: the pod's binding to a node (spec.nodeName). */
export async function bindPod(cluster: TestCluster, namespace: string, pod: string, node: string): Promise<void> {
  await cluster.api('POST', `/api/v1/namespaces/${namespace}/pods/${pod}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
}

/** The runtime's part of a kubelet exec: the command run in a real container (`docker exec`), its output and exit code. */
export function dockerExecIn(container: Docker.Container): (exec: KubeletExec) => Promise<ExecResult> {
  return async (exec) => {
    const e = await container.exec({ Cmd: exec.command, AttachStdout: true, AttachStderr: true });
    const stream = await e.start({ Detach: false, Tty: false });
    const raw = await new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('error', reject);
      stream.on('end', () => resolve(Buffer.concat(chunks)));
    });
    const { stdout, stderr } = demuxDockerStream(raw);
    const { ExitCode } = await e.inspect();
    return { stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8'), exitCode: ExitCode ?? 1 };
  };
}
