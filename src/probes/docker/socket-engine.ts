import net from 'node:net';
import { PassThrough } from 'node:stream';
import type { ContainerReads, EngineReads, ExecReads } from './engine-reads.js';

/**
 * The Engine API's read questions over a unix socket, spoken with node:net: HTTP/1.1 with
 * keep-alive, bodies by Content-Length, chunked, or until the engine closes (an exec's output).
 * Why not dockerode here: loading it and node:http (which a startup snapshot cannot hold) and its
 * per-request work were ~15 ms of a 110 ms `dbpool status`; node:net is in the snapshot. dockerode
 * stays for TCP and TLS engines and for every action (stop, scale).
 *
 * Errors are shaped as dockerode's: an answer >= 400 throws with statusCode, json and
 * "(HTTP code N) ..."; a socket error keeps its code (ENOENT, EACCES, ECONNREFUSED, EPIPE, ...)
 * and address; an abort rejects with the signal's reason or an AbortError.
 */
export class SocketEngine implements EngineReads {
  /** Connections kept between questions, each with the listener that drops it if the engine closes it. */
  private readonly idle = new Map<net.Socket, () => void>();
  private closed = false;

  constructor(private readonly socketPath: string) {}

  listContainers(o: { all: boolean; abortSignal?: AbortSignal }) {
    return this.json('GET', `/containers/json?all=${o.all}`, o.abortSignal) as ReturnType<EngineReads['listContainers']>;
  }

  getContainer(id: string): ContainerReads {
    const at = `/containers/${encodeURIComponent(id)}`;
    return {
      inspect: (o) => this.json('GET', `${at}/json`, o.abortSignal) as ReturnType<ContainerReads['inspect']>,
      top: (o) => this.json('GET', `${at}/top?ps_args=${encodeURIComponent(o.ps_args)}`, o.abortSignal),
      logs: async (o) => {
        const query = `stdout=1&stderr=1&timestamps=${o.timestamps}&tail=${o.tail}&since=${o.since}&follow=0`;
        return (await this.request('GET', `${at}/logs?${query}`, undefined, o.abortSignal)).body;
      },
      exec: async (o) => {
        const { abortSignal, ...create } = o;
        const { Id } = (await this.json('POST', `${at}/exec`, abortSignal, create)) as { Id: string };
        return this.execReads(Id);
      },
    };
  }

  listServices(o: { abortSignal?: AbortSignal }) {
    return this.json('GET', '/services', o.abortSignal);
  }

  listTasks(o: { filters: Record<string, string[]>; abortSignal?: AbortSignal }) {
    return this.json('GET', `/tasks?filters=${encodeURIComponent(JSON.stringify(o.filters))}`, o.abortSignal);
  }

  listNodes(o: { abortSignal?: AbortSignal }) {
    return this.json('GET', '/nodes', o.abortSignal);
  }

  async ping(o: { abortSignal?: AbortSignal }) {
    return (await this.request('GET', '/_ping', undefined, o.abortSignal)).body.toString();
  }

  /** Closes the pooled connections; the client is not used again. */
  close(): void {
    this.closed = true;
    for (const socket of this.idle.keys()) socket.destroy();
    this.idle.clear();
  }

  private execReads(id: string): ExecReads {
    return {
      start: async (o) => {
        // The engine streams the output on this connection and closes it at the end.
        const { body } = await this.request('POST', `/exec/${id}/start`, { Detach: o.Detach, Tty: o.Tty }, o.abortSignal);
        const stream = new PassThrough();
        stream.end(body);
        return stream;
      },
      inspect: (o) => this.json('GET', `/exec/${id}/json`, o.abortSignal) as ReturnType<ExecReads['inspect']>,
    };
  }

  private async json(method: string, path: string, signal: AbortSignal | undefined, body?: unknown): Promise<unknown> {
    const answer = await this.request(method, path, body, signal);
    return answer.body.length === 0 ? null : JSON.parse(answer.body.toString('utf8'));
  }

  private request(method: string, path: string, body: unknown, signal: AbortSignal | undefined): Promise<{ status: number; body: Buffer }> {
    signal?.throwIfAborted();
    const payload = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const head =
      `${method} ${path} HTTP/1.1\r\nHost: docker\r\nUser-Agent: dbpool\r\n` +
      (payload ? `Content-Type: application/json\r\nContent-Length: ${payload.length}\r\n` : method === 'POST' ? 'Content-Length: 0\r\n' : '') +
      '\r\n';
    return new Promise((resolve, reject) => {
      const socket = this.take() ?? net.createConnection(this.socketPath);
      const reader = new AnswerReader();
      let done = false;
      const finish = (err: Error | null, answer?: { status: number; body: Buffer; keepAlive: boolean }) => {
        if (done) return;
        done = true;
        signal?.removeEventListener('abort', onAbort);
        socket.off('data', onData).off('error', onError).off('close', onClose).off('end', onEnd);
        if (err || !answer) {
          socket.destroy();
          return reject(err);
        }
        if (answer.keepAlive && !this.closed && !socket.destroyed) this.park(socket);
        else socket.destroy();
        if (answer.status >= 400) return reject(engineError(answer.status, answer.body));
        resolve(answer);
      };
      const onData = (chunk: Buffer) => {
        try {
          const answer = reader.push(chunk);
          if (answer) finish(null, answer);
        } catch (err) {
          finish(err as Error);
        }
      };
      const onEnd = () => {
        const answer = reader.end();
        if (answer) finish(null, { ...answer, keepAlive: false });
        else finish(connectionError('ECONNRESET', 'the engine closed the connection before it answered', this.socketPath));
      };
      const onClose = () => onEnd();
      const onError = (err: NodeJS.ErrnoException & { address?: string }) => finish(Object.assign(err, { address: err.address ?? this.socketPath }));
      const onAbort = () => finish(signal?.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
      signal?.addEventListener('abort', onAbort, { once: true });
      socket.on('data', onData).on('error', onError).on('end', onEnd).on('close', onClose);
      socket.write(payload ? Buffer.concat([Buffer.from(head), payload]) : head);
    });
  }

  /** Keeps a connection for the next question; one the engine closes meanwhile leaves the pool. */
  private park(socket: net.Socket): void {
    const drop = () => {
      this.idle.delete(socket);
      socket.destroy();
    };
    // Nothing is due on an idle connection: data there is as wrong as its end.
    socket.on('close', drop).on('end', drop).on('error', drop).on('data', drop);
    // An idle connection does not keep a CLI run alive.
    socket.unref();
    this.idle.set(socket, drop);
  }

  private take(): net.Socket | undefined {
    for (const [socket, drop] of this.idle) {
      this.idle.delete(socket);
      socket.off('close', drop).off('end', drop).off('error', drop).off('data', drop);
      socket.ref();
      return socket;
    }
    return undefined;
  }
}

/** Parses one HTTP/1.1 answer from the bytes as they come. */
class AnswerReader {
  private buffered: Buffer = Buffer.alloc(0);
  private status = 0;
  private headers: Map<string, string> | null = null;
  private chunks: Buffer[] = [];

  /** The whole answer once it is in; null while more is due. */
  push(chunk: Buffer): { status: number; body: Buffer; keepAlive: boolean } | null {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    if (!this.headers && !this.readHead()) return null;
    return this.readBody();
  }

  /** At the connection's end: the answer if its body runs until the end, else null (cut short). */
  end(): { status: number; body: Buffer } | null {
    if (!this.headers || this.framing() !== 'until-close') return null;
    return { status: this.status, body: Buffer.concat([...this.chunks, this.buffered]) };
  }

  private readHead(): boolean {
    const endOfHead = this.buffered.indexOf('\r\n\r\n');
    if (endOfHead < 0) return false;
    const [statusLine = '', ...lines] = this.buffered.subarray(0, endOfHead).toString('latin1').split('\r\n');
    const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
    if (!status) throw new Error(`the engine's answer is not HTTP: ${JSON.stringify(statusLine.slice(0, 60))}`);
    this.status = Number(status[1]);
    this.headers = new Map(lines.map((l) => [l.slice(0, l.indexOf(':')).trim().toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
    this.buffered = this.buffered.subarray(endOfHead + 4);
    return true;
  }

  private framing(): 'length' | 'chunked' | 'until-close' {
    if (/chunked/i.test(this.headers?.get('transfer-encoding') ?? '')) return 'chunked';
    if (this.headers?.has('content-length')) return 'length';
    // 1xx, 204 and 304 have no body; nothing else here comes without a length but an exec's stream.
    return this.status === 204 || this.status === 304 ? 'length' : 'until-close';
  }

  private readBody(): { status: number; body: Buffer; keepAlive: boolean } | null {
    const keepAlive = !/close/i.test(this.headers?.get('connection') ?? '');
    switch (this.framing()) {
      case 'length': {
        const length = Number(this.headers?.get('content-length') ?? 0);
        if (this.buffered.length < length) return null;
        return { status: this.status, body: this.buffered.subarray(0, length), keepAlive };
      }
      case 'chunked':
        for (;;) {
          const endOfSize = this.buffered.indexOf('\r\n');
          if (endOfSize < 0) return null;
          const size = parseInt(this.buffered.subarray(0, endOfSize).toString('latin1'), 16);
          if (!Number.isFinite(size)) throw new Error('the engine sent a malformed chunk');
          if (size === 0) {
            // The last chunk, and an empty trailer.
            if (this.buffered.length < endOfSize + 4) return null;
            return { status: this.status, body: Buffer.concat(this.chunks), keepAlive };
          }
          if (this.buffered.length < endOfSize + 2 + size + 2) return null;
          this.chunks.push(this.buffered.subarray(endOfSize + 2, endOfSize + 2 + size));
          this.buffered = this.buffered.subarray(endOfSize + 2 + size + 2);
        }
      case 'until-close':
        return null;
    }
  }
}

/** As docker-modem builds it: the engine's message in json.message, the status in statusCode. */
function engineError(status: number, body: Buffer): Error {
  const text = body.toString('utf8');
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // A plain-text answer (a proxy's, say): kept as it is.
  }
  const message = typeof json === 'object' && json !== null && 'message' in json ? String((json as { message: unknown }).message) : text.trim();
  return Object.assign(new Error(`(HTTP code ${status}) ${REASONS[status] ?? 'unexpected'} - ${message} `), { statusCode: status, json, reason: REASONS[status] });
}

const REASONS: Record<number, string> = {
  304: 'container already started',
  400: 'bad parameter',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'no such container',
  409: 'conflict',
  500: 'server error',
  503: 'service unavailable',
};

function connectionError(code: string, message: string, address: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${message} (${code})`), { code, address });
}
