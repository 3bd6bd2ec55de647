/**
 * The Docker Engine API questions of an observation, answered for the seed incident over a unix
 * socket, as dockerd answers them: JSON with a length, logs as a chunked multiplexed stream, 503 for
 * Swarm's questions on an engine outside a swarm, keep-alive throughout. For one build only.
 */
import { closableServer } from './closable-server.js';
import type { SeedContainer } from './seed-incident.js';

export interface StandInEngine {
  close(): Promise<void>;
}

export async function startStandInEngine(socketPath: string, containers: SeedContainer[], env: string[]): Promise<StandInEngine> {
  const { server, close } = closableServer((socket) => {
    let buffered = '';
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1');
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const target = buffered.slice(0, buffered.indexOf('\r\n')).split(' ')[1] ?? '/';
        buffered = buffered.slice(end + 4); // the observation's questions have no body
        socket.write(answer(new URL(target, 'http://engine').pathname, containers, env));
      }
    });
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(socketPath, resolve));
  return { close };
}

function answer(pathname: string, containers: SeedContainer[], env: string[]): Buffer {
  if (pathname === '/containers/json') return json(200, containers.map(listed));
  if (pathname === '/services') return json(503, { message: 'This node is not a swarm manager. Use "docker swarm init" or "docker swarm join" to connect this node to swarm and try again.' });
  if (pathname === '/_ping') return withLength(200, 'text/plain', Buffer.from('OK'));
  const [, id, what] = /^\/containers\/([^/]+)\/(json|logs|top)$/.exec(pathname) ?? [];
  const container = containers.find((c) => c.id === id);
  if (!container) return json(404, { message: `No such container: ${id ?? pathname}` });
  if (what === 'json') return json(200, inspected(container, env));
  if (what === 'top') return json(200, { Titles: ['PID', 'PPID', 'CMD'], Processes: container.processes.map((p) => [String(p.pid), String(p.ppid), 'php server.php']) });
  return logs(container);
}

function listed(c: SeedContainer) {
  return { Id: c.id, Names: [`/${c.name}`], Image: 'madras/app:latest', Created: c.created, State: 'running', Status: 'Up 2 hours', Labels: {}, NetworkSettings: { Networks: { host: { IPAddress: '' } } } };
}

function inspected(c: SeedContainer, env: string[]) {
  const created = new Date(c.created * 1000).toISOString();
  return {
    Id: c.id,
    Name: `/${c.name}`,
    Created: created,
    State: { Status: 'running', Running: true, Pid: c.processes[0]?.pid ?? 0, StartedAt: created },
    Config: { Image: 'madras/app:latest', Env: env, Labels: {} },
    HostConfig: { RestartPolicy: { Name: 'unless-stopped' }, NetworkMode: 'host' },
    NetworkSettings: { Networks: { host: { IPAddress: '' } } },
  };
}

/** The workers' start lines and the incident's errors, stamped now, as stdout frames in chunks. */
function logs(c: SeedContainer): Buffer {
  const at = new Date().toISOString();
  const lines = [
    ...c.processes.slice(2).map((p, i) => `${at} Worker #${i} starting (pid ${p.pid})`),
    `${at} PHP Fatal error: Uncaught PDOException: SQLSTATE[08006] [7] FATAL:  sorry, too many clients already`,
    `${at} PHP Warning: All 5 connections are in use`,
  ];
  const chunks = lines.map((line) => {
    const payload = Buffer.from(`${line}\n`);
    const frame = Buffer.alloc(8);
    frame[0] = 1;
    frame.writeUInt32BE(payload.length, 4);
    const bytes = Buffer.concat([frame, payload]);
    return Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from('\r\n')]);
  });
  const head = 'HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream\r\nTransfer-Encoding: chunked\r\n\r\n';
  return Buffer.concat([Buffer.from(head), ...chunks, Buffer.from('0\r\n\r\n')]);
}

function json(status: number, body: unknown): Buffer {
  return withLength(status, 'application/json', Buffer.from(JSON.stringify(body)));
}

function withLength(status: number, type: string, body: Buffer): Buffer {
  const reason = { 200: 'OK', 404: 'Not Found', 503: 'Service Unavailable' }[status] ?? 'OK';
  return Buffer.concat([Buffer.from(`HTTP/1.1 ${status} ${reason}\r\nApi-Version: 1.43\r\nContent-Type: ${type}\r\nContent-Length: ${body.length}\r\n\r\n`), body]);
}
