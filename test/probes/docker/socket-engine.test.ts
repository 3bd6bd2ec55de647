/**
 * SocketEngine's HTTP over a unix socket, against a server that answers the way engines and the
 * proxies in front of them do: split into small writes, chunked, closed right after the answer,
 * closed before it, an idle connection closed by the other end, an error answer, no answer at all.
 * (The real engine is asked the same questions in docker-source.test.ts and its neighbours.)
 */
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dockerProbeError } from '../../../src/probes/docker/classify-docker-error.js';
import { SocketEngine } from '../../../src/probes/docker/socket-engine.js';

type Answer = (request: string, socket: net.Socket) => void;

interface FakeEngine {
  path: string;
  requests: string[];
  connections: number;
  sockets: Set<net.Socket>;
  close(): Promise<void>;
}

async function fakeEngine(answer: Answer): Promise<FakeEngine> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-socket-engine-'));
  const file = path.join(dir, 'engine.sock');
  const engine: FakeEngine = { path: file, requests: [], connections: 0, sockets: new Set(), close: async () => undefined };
  const server = net.createServer((socket) => {
    engine.connections++;
    engine.sockets.add(socket);
    socket.on('close', () => engine.sockets.delete(socket));
    let pending = '';
    socket.on('data', (chunk) => {
      pending += chunk.toString('latin1');
      for (let end = pending.indexOf('\r\n\r\n'); end >= 0; end = pending.indexOf('\r\n\r\n')) {
        const head = pending.slice(0, end);
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (pending.length < end + 4 + length) return;
        const request = pending.slice(0, end + 4 + length);
        pending = pending.slice(end + 4 + length);
        engine.requests.push(request);
        answer(request, socket);
      }
    });
  });
  server.listen(file);
  await once(server, 'listening');
  engine.close = async () => {
    for (const s of engine.sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  };
  return engine;
}

const json = (body: unknown, status = 200) => {
  const text = JSON.stringify(body);
  return `HTTP/1.1 ${status} X\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`;
};

describe('SocketEngine: the Engine API over a unix socket with node:net', () => {
  let engine: FakeEngine | undefined;
  let client: SocketEngine | undefined;
  afterEach(async () => {
    client?.close();
    await engine?.close();
    engine = client = undefined;
  });

  it('an answer written a byte at a time, then another on the same connection', async () => {
    engine = await fakeEngine((_req, socket) => {
      const bytes = Buffer.from(json([{ Id: 'a', Names: ['/php_swoole_app'] }]));
      for (let i = 0; i < bytes.length; i++) socket.write(bytes.subarray(i, i + 1));
    });
    client = new SocketEngine(engine.path);
    expect(await client.listContainers({ all: false })).toEqual([{ Id: 'a', Names: ['/php_swoole_app'] }]);
    expect(await client.listContainers({ all: false })).toHaveLength(1);
    expect(engine.connections).toBe(1);
    expect(engine.requests[0]).toMatch(/^GET \/containers\/json\?all=false HTTP\/1\.1\r\n/);
  });

  it('a chunked answer cut across writes, chunk sizes in hex, and the query as the engine reads it', async () => {
    engine = await fakeEngine((_req, socket) => {
      const body = Buffer.from('line one\nline two\n'.repeat(20));
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n');
      socket.write(`${(200).toString(16)}\r\n${body.subarray(0, 200)}`);
      socket.write(`\r\n${(body.length - 200).toString(16)}\r\n`);
      socket.write(`${body.subarray(200)}\r\n0\r`);
      socket.write('\n\r\n');
    });
    client = new SocketEngine(engine.path);
    const logs = await client.getContainer('abc').logs({ stdout: true, stderr: true, timestamps: true, tail: 5000, since: 1700000000, follow: false });
    expect(logs.toString()).toBe('line one\nline two\n'.repeat(20));
    expect(engine.requests[0]).toMatch(/^GET \/containers\/abc\/logs\?stdout=1&stderr=1&timestamps=true&tail=5000&since=1700000000&follow=0 /);
  });

  it("an exec's output runs until the engine closes the connection; the body is posted as JSON", async () => {
    engine = await fakeEngine((req, socket) => {
      if (req.startsWith('POST /containers/c1/exec ')) return void socket.write(json({ Id: 'e1' }, 201));
      if (req.startsWith('POST /exec/e1/start ')) {
        socket.write('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.raw-stream\r\n\r\n');
        socket.write(Buffer.from([1, 0, 0, 0, 0, 0, 0, 3]));
        return void socket.end('ok\n');
      }
      socket.write(json({ ExitCode: 0 }));
    });
    client = new SocketEngine(engine.path);
    const exec = await client.getContainer('c1').exec({ Cmd: ['ps'], AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ Detach: false, Tty: false });
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).subarray(8).toString()).toBe('ok\n');
    expect(await exec.inspect({})).toEqual({ ExitCode: 0 });
    expect(engine.requests[0]).toContain('\r\n\r\n{"Cmd":["ps"],"AttachStdout":true,"AttachStderr":true}');
  });

  it("an error answer: statusCode, the engine's message in json, as dockerode gives them", async () => {
    engine = await fakeEngine((_req, socket) => socket.write(json({ message: 'No such container: gone' }, 404)));
    client = new SocketEngine(engine.path);
    const err = await client.getContainer('gone').inspect({}).catch((e: unknown) => e);
    expect(err).toMatchObject({ statusCode: 404, json: { message: 'No such container: gone' } });
    expect(dockerProbeError(err, 'docker x', 'inspect')).toMatchObject({ kind: 'not_found', message: 'inspect: HTTP 404: No such container: gone' });
  });

  it('a connection closed before the answer is ECONNRESET (asked again by EngineClient); an idle one the engine closed is not reused', async () => {
    let n = 0;
    engine = await fakeEngine((_req, socket) => {
      n++;
      if (n === 2) return void socket.destroy();
      socket.write(json({ n }));
    });
    client = new SocketEngine(engine.path);
    expect(await client.ping({})).toBe('{"n":1}');
    await expect(client.ping({})).rejects.toMatchObject({ code: 'ECONNRESET' });
    // The engine closes the next idle connection while nothing is asked.
    expect(await client.ping({})).toBe('{"n":3}');
    const closed = once([...engine.sockets][0]!, 'close');
    for (const s of engine.sockets) s.end();
    await closed;
    await new Promise((r) => setImmediate(r));
    expect(await client.ping({})).toBe('{"n":4}');
    expect(engine.connections).toBe(3);
  });

  it('no engine: the socket error with its code and the path', async () => {
    client = new SocketEngine(path.join(os.tmpdir(), `dbpool-no-engine-${process.pid}.sock`));
    const err = await client.listContainers({ all: false }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'ENOENT' });
    expect(dockerProbeError(err, 'docker x', 'list containers').kind).toBe('unreachable');
  });

  it('an engine that never answers: the abort ends the question, and the connection is not kept', async () => {
    engine = await fakeEngine(() => undefined);
    client = new SocketEngine(engine.path);
    const controller = new AbortController();
    const asked = client.listContainers({ all: false, abortSignal: controller.signal });
    await expect.poll(() => engine?.requests.length).toBe(1);
    controller.abort();
    await expect(asked).rejects.toMatchObject({ name: 'AbortError' });
    await expect.poll(() => engine?.sockets.size).toBe(0);
  });
});
