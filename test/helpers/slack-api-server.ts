/**
 * A local HTTP server standing in for Slack's Web API (point `slackApiUrl` at `apiUrl`) and for
 * `response_url`s (`responseUrl(id)`). It records every call, answers like Slack, and can answer a
 * method with HTTP 429 once, with an error, slowly, or not at all until released (a hung Slack), to
 * test the bot's handling.
 */
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  /** Web API method (chat.postMessage, …) or `response_url`. */
  method: string;
  /** Form fields with JSON fields (blocks) parsed, or the JSON body of a response_url post. */
  body: Record<string, unknown>;
  /** For response_url posts: the id in the URL. */
  responseId?: string;
  /** For file uploads (`file_upload`): the bytes sent to the upload URL. */
  bytes?: Buffer;
  status: number;
}

export interface SlackApiServer {
  apiUrl: string;
  calls: RecordedCall[];
  responseUrl(id?: string): string;
  /** Calls of one method, in order. */
  callsOf(method: string): RecordedCall[];
  /** Next call of `method` gets HTTP 429 with Retry-After. */
  rateLimitOnce(method: string, retryAfterSeconds?: number): void;
  /** `method` answers { ok: false, error } for `channel` (or always), until the returned function is called. */
  failWith(method: string, error: string, channel?: string): () => void;
  /** Calls of `method` ('*': every Web API method) get no answer until the returned function is called. */
  hang(method: string): () => void;
  /** Calls of `method` get the answer's headers and first bytes, the rest only when the returned function is called. */
  hangBody(method: string): () => void;
  /**
   * Calls of `method` ('*': every one) have their connection reset, as when the network is down,
   * until the returned function is called; each is recorded with status 0.
   */
  refuse(method: string): () => void;
  /** Calls of `method` ('*': every one) are answered after `ms`. */
  slow(method: string, ms: number): void;
  /** apps.connections.open answers with this WebSocket URL. */
  setSocketUrl(url: string): void;
  waitFor(predicate: (calls: RecordedCall[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startSlackApiServer(): Promise<SlackApiServer> {
  const calls: RecordedCall[] = [];
  const rateLimited = new Map<string, number>();
  const failures: { method: string; error: string; channel?: string }[] = [];
  const held = new Map<string, (() => void)[]>();
  const heldBodies = new Map<string, (() => void)[]>();
  const delays = new Map<string, number>();
  const refused = new Set<string>();
  const stalled = (method: string) => held.get(method) ?? held.get('*');
  let socketUrl = 'ws://127.0.0.1:1/';
  let base = '';
  let ts = 1_700_000_000;
  const waiters = new Set<() => void>();
  const notify = () => waiters.forEach((w) => w());

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://localhost');
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload));
      };
      if (url.pathname.startsWith('/upload/')) {
        // files.uploadV2's second step: the bytes go to the URL files.getUploadURLExternal gave.
        calls.push({ method: 'file_upload', responseId: url.pathname.slice('/upload/'.length), body: {}, bytes: Buffer.concat(chunks), status: 200 });
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.end('OK');
        notify();
        return;
      }
      if (url.pathname.startsWith('/respond/')) {
        calls.push({ method: 'response_url', responseId: url.pathname.slice('/respond/'.length), body: parseJson(raw), status: 200 });
        send(200, { ok: true });
        notify();
        return;
      }
      const method = url.pathname.replace(/^\/api\//, '');
      const body = parseForm(raw, req.headers['content-type']);
      if (refused.has(method) || refused.has('*')) {
        calls.push({ method, body, status: 0 });
        req.socket.destroy();
        notify();
        return;
      }
      const retryAfter = rateLimited.get(method);
      if (retryAfter !== undefined) {
        rateLimited.delete(method);
        calls.push({ method, body, status: 429 });
        send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(retryAfter) });
        notify();
        return;
      }
      calls.push({ method, body, status: 200 });
      const failure = failures.find((f) => f.method === method && (f.channel === undefined || f.channel === body.channel));
      const reply = () => {
        if (res.destroyed) return; // the client gave up waiting
        const bodyHeld = heldBodies.get(method);
        if (bodyHeld) {
          const text = JSON.stringify(failure ? { ok: false, error: failure.error } : answer(method, body));
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) });
          res.write(text.slice(0, 5));
          bodyHeld.push(() => res.destroyed || res.end(text.slice(5)));
          return;
        }
        if (failure) send(200, { ok: false, error: failure.error });
        else send(200, answer(method, body));
      };
      const queue = stalled(method);
      const delay = delays.get(method) ?? delays.get('*');
      if (queue) queue.push(reply);
      else if (delay !== undefined) setTimeout(reply, delay);
      else reply();
      notify();
    });
  });

  function answer(method: string, body: Record<string, unknown>): Record<string, unknown> {
    switch (method) {
      case 'auth.test':
        return { ok: true, url: 'https://example.slack.com/', team: 'Test', user: 'dbpool', team_id: 'T0TEST', user_id: 'U0BOT', bot_id: 'B0BOT' };
      case 'chat.postMessage':
        ts += 1;
        return { ok: true, channel: body.channel, ts: `${ts}.000100`, message: { text: body.text, ts: `${ts}.000100` } };
      case 'chat.update':
        return { ok: true, channel: body.channel, ts: body.ts, text: body.text };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${ts}.000200` };
      case 'apps.connections.open':
        return { ok: true, url: socketUrl };
      case 'files.getUploadURLExternal':
        ts += 1;
        return { ok: true, upload_url: `${base}/upload/F${ts}`, file_id: `F${ts}` };
      case 'files.completeUploadExternal':
        return { ok: true, files: [{ id: 'F0', title: 'chart' }] };
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    apiUrl: `${base}/api/`,
    calls,
    responseUrl: (id = 'r1') => `${base}/respond/${id}`,
    callsOf: (method) => calls.filter((c) => c.method === method),
    rateLimitOnce: (method, retryAfterSeconds = 1) => void rateLimited.set(method, retryAfterSeconds),
    failWith: (method, error, channel) => {
      const failure = { method, error, channel };
      failures.push(failure);
      return () => {
        const at = failures.indexOf(failure);
        if (at >= 0) failures.splice(at, 1);
      };
    },
    hang: (method) => holdUntilReleased(held, method),
    hangBody: (method) => holdUntilReleased(heldBodies, method),
    refuse(method) {
      refused.add(method);
      return () => void refused.delete(method);
    },
    slow: (method, ms) => void delays.set(method, ms),
    setSocketUrl: (url) => {
      socketUrl = url;
    },
    waitFor(predicate, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (!predicate(calls)) return;
          cleanup();
          resolve();
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`timed out waiting; calls so far: ${calls.map((c) => c.method).join(', ')}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Queues what `method`'s calls would do next; the returned function does it and stops queueing. */
function holdUntilReleased(queues: Map<string, (() => void)[]>, method: string): () => void {
  const queue: (() => void)[] = [];
  queues.set(method, queue);
  return () => {
    queues.delete(method);
    queue.splice(0).forEach((next) => next());
  };
}

function parseJson(raw: string): Record<string, unknown> {
  try {
    return JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return { raw };
  }
}

/** The WebClient posts form fields; objects and arrays (blocks) are JSON inside them. */
function parseForm(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return parseJson(raw);
  const out: Record<string, unknown> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = (k === 'blocks' || k === 'attachments') && v.startsWith('[') ? JSON.parse(v) : v;
  }
  return out;
}
