import type Docker from 'dockerode';
import { connectEngine, disconnectEngine } from './connect-engine.js';
import type { EngineEndpoint } from './engine-address.js';
import { withDeadline } from './with-deadline.js';

/**
 * One engine's client, shared by every question asked of it, with its connections pooled. When a
 * pooled connection turns out dead (the engine restarted since it was opened), the pool is dropped
 * and the question asked once more on fresh connections: an engine restart costs no failed check.
 */
export class EngineClient {
  private client: Promise<Docker> | undefined;

  constructor(
    private readonly endpoint: EngineEndpoint,
    private readonly onReconnect?: (code: string) => void,
  ) {}

  /** The client; a failed connect (certificates not readable yet, say) is tried again next time. */
  connect(): Promise<Docker> {
    const client = (this.client ??= connectEngine(this.endpoint));
    client.catch(() => {
      if (this.client === client) this.client = undefined;
    });
    return client;
  }

  /**
   * Runs `fn`, and once more on fresh connections if it fails on a dead one. Only for questions that
   * may be asked twice: a dead connection may have carried the first attempt to the engine. With a
   * deadline, each attempt gets a signal that aborts at it, and control returns at it whatever the
   * engine does.
   */
  async run<T>(fn: (docker: Docker, signal?: AbortSignal) => Promise<T>, options: { deadlineMs?: number } = {}): Promise<T> {
    const attempt = (docker: Docker) =>
      options.deadlineMs === undefined ? fn(docker) : withDeadline(options.deadlineMs, undefined, (signal) => fn(docker, signal));
    const client = this.connect();
    const docker = await client;
    try {
      return await attempt(docker);
    } catch (err) {
      const code = deadConnectionCode(err);
      if (code === null) throw err;
      this.onReconnect?.(code);
      // Concurrent questions may all meet dead connections: the first one replaces the pool.
      if (this.client === client) {
        disconnectEngine(docker);
        this.client = undefined;
      }
      return attempt(await this.connect());
    }
  }
}

/** The codes of a request sent on a connection the other end had already closed. */
function deadConnectionCode(err: unknown): string | null {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ECONNRESET' ? code : null;
}
