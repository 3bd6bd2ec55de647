import type Docker from 'dockerode';
import type { EngineEndpoint } from './engine-address.js';
import { dockerodeReads, type EngineReads } from './engine-reads.js';
import { SocketEngine } from './socket-engine.js';
import { withDeadline } from './with-deadline.js';

/**
 * One engine's client, shared by every question asked of it, with its connections pooled. When a
 * pooled connection turns out dead (the engine restarted since it was opened), the pool is dropped
 * and the question asked once more on fresh connections: an engine restart costs no failed check.
 */
export class EngineClient<C> {
  private client: Promise<C> | undefined;

  constructor(
    private readonly open: () => Promise<C>,
    private readonly close: (client: C) => void,
    private readonly onReconnect?: (code: string) => void,
  ) {}

  /** The client; a failed connect (certificates not readable yet, say) is tried again next time. */
  connect(): Promise<C> {
    const client = (this.client ??= this.open());
    client.catch(() => {
      if (this.client === client) this.client = undefined;
    });
    return client;
  }

  /** Closes the pooled connections; a later question opens new ones. */
  async dispose(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    const c = await client?.catch(() => undefined);
    if (c !== undefined) this.close(c);
  }

  /**
   * Runs `fn`, and once more on fresh connections if it fails on a dead one. Only for questions that
   * may be asked twice: a dead connection may have carried the first attempt to the engine. With a
   * deadline, each attempt gets a signal that aborts at it, and control returns at it whatever the
   * engine does.
   */
  async run<T>(fn: (client: C, signal?: AbortSignal) => Promise<T>, options: { deadlineMs?: number } = {}): Promise<T> {
    const attempt = (c: C) => (options.deadlineMs === undefined ? fn(c) : withDeadline(options.deadlineMs, undefined, (signal) => fn(c, signal)));
    const client = this.connect();
    const c = await client;
    try {
      return await attempt(c);
    } catch (err) {
      const code = deadConnectionCode(err);
      if (code === null) throw err;
      this.onReconnect?.(code);
      // Concurrent questions may all meet dead connections: the first one replaces the pool.
      if (this.client === client) {
        this.close(c);
        this.client = undefined;
      }
      return attempt(await this.connect());
    }
  }
}

/** dockerode, for the actions (stop, scale) on any engine. */
export function actionClient(endpoint: EngineEndpoint, onReconnect?: (code: string) => void): EngineClient<Docker> {
  return dockerodeClient(endpoint, (docker) => docker, onReconnect);
}

/**
 * The observation's questions: over node:net for an engine on this host's unix socket (what a CLI
 * run waited for was mostly dockerode's loading), dockerode for a TCP, TLS or Windows pipe engine.
 */
export function readsClient(endpoint: EngineEndpoint, onReconnect?: (code: string) => void): EngineClient<EngineReads> {
  if (endpoint.kind === 'socket' && !endpoint.socketPath.startsWith('//')) {
    const path = endpoint.socketPath;
    return new EngineClient<EngineReads>(async () => new SocketEngine(path), (engine) => (engine as SocketEngine).close(), onReconnect);
  }
  return dockerodeClient(endpoint, dockerodeReads, onReconnect);
}

/** A dockerode client seen as `view` makes it; dockerode and node:http load on the first connect. */
function dockerodeClient<C extends object>(endpoint: EngineEndpoint, view: (docker: Docker) => C, onReconnect?: (code: string) => void): EngineClient<C> {
  const load = () => import('./connect-engine.js');
  const dockers = new WeakMap<C, Docker>();
  return new EngineClient<C>(
    async () => {
      const docker = await (await load()).connectEngine(endpoint);
      const client = view(docker);
      dockers.set(client, docker);
      return client;
    },
    (client) => {
      const docker = dockers.get(client);
      if (docker) void load().then((m) => m.disconnectEngine(docker));
    },
    onReconnect,
  );
}

/** The codes of a request sent on a connection the other end had already closed. */
function deadConnectionCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET' ? code : null;
}
