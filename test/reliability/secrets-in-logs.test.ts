/**
 * No token or password in any log line or Slack message: the bot runs with dbpool's real logger
 * (createLogger, its redaction) at trace level, its output captured in memory, with distinctive
 * secrets; commands, a forged request, a wrong database password and a database outage are driven
 * through it, then every captured line and every recorded Slack call is scanned.
 * Also a static check: SQL is passed as constant text, values only as parameters.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { loadConfig } from '../../src/config.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { composeBot } from '../../src/main.js';
import { createServices } from '../../src/services.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { askForReport, startReliabilityBot, waitUntil, type ReliabilityBot } from '../helpers/reliability-bot.js';
import { startSlackApiServer, type RecordedCall } from '../helpers/slack-api-server.js';
import { sendBlockAction, sendSlashCommand } from '../helpers/slack-requests.js';

const BOT_TOKEN = 'xoxb-1111-2222-bOtSeCrEtQ7v1';
const SIGNING_SECRET = 'sIgNiNgSeCrEt-4f8a9c2e71';
const APP_TOKEN = 'xapp-1-A0DB-3333-aPpSeCrEtK2w9';
const DB_PASSWORD = 'pGpAsS-SeCrEt-Zq7xK2';
const WRONG_DB_PASSWORD = 'wRoNgPaSs-SeCrEt-M4t8';
const SECRETS = [BOT_TOKEN, SIGNING_SECRET, APP_TOKEN, DB_PASSWORD, WRONG_DB_PASSWORD];

/** dbpool's own logger (its level, its redact paths), writing into `lines` instead of a file descriptor. */
function capturedLogger(lines: string[]): Logger {
  const logger = createLogger({ logLevel: 'trace' }, { pretty: false });
  // Children are made after this, so they inherit the stream.
  (logger as unknown as Record<symbol, unknown>)[pino.symbols.streamSym] = { write: (s: string) => void lines.push(s) };
  return logger;
}

function leaks(haystack: string): string[] {
  return SECRETS.filter((s) => haystack.includes(s) || haystack.includes(encodeURIComponent(s)));
}

/**
 * What dbpool sent to Slack, minus the one place a token belongs: the bot token Bolt presents to
 * auth.test (as a form field) to learn who it is. Every message, update and ephemeral is kept.
 */
function slackBodies(calls: RecordedCall[]): unknown[] {
  return calls.map((c) => {
    if (c.method !== 'auth.test') return c;
    const { token, ...rest } = c.body;
    expect(token).toBe(BOT_TOKEN);
    return { ...c, body: rest };
  });
}

describe('secrets stay out of logs and messages', () => {
  const lines: string[] = [];
  let server: TestPostgres | undefined;
  let bot: ReliabilityBot;

  beforeAll(async () => {
    server = await startPostgres({ maxConnections: 30 });
    const admin = await server.admin();
    try {
      await admin.query(`CREATE ROLE dbpool LOGIN PASSWORD '${DB_PASSWORD}' IN ROLE pg_monitor, pg_signal_backend`);
    } finally {
      await admin.end();
    }
    bot = await startReliabilityBot({
      logger: capturedLogger(lines),
      env: {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        DATABASE_URL: server.url(server.database, 'dbpool', DB_PASSWORD),
        DBPOOL_LOG_LEVEL: 'trace',
      },
    });
    await waitUntil(() => bot.services.postgres?.isConnected() ?? false, 15_000, 'the monitoring connection');
  });
  afterAll(async () => {
    await bot?.stop();
    await server?.stop();
  });

  it('HTTP mode: commands, buttons, a forged request and a database outage log nothing secret', async () => {
    const up = await askForReport(bot, 'status', 'l1', SIGNING_SECRET);
    expect(up.ack.status).toBe(200);
    await askForReport(bot, 'connections --lang fa', 'l2', SIGNING_SECRET);
    for (const [i, text] of ['help', 'status --bogus', 'audit', 'terminate-idle --minutes 0.01', 'lang fa', 'lang en'].entries()) {
      await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text, response_url: bot.api.responseUrl(`c${i}`) });
    }
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'response_url').length >= 5, 15_000);
    await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, { actionId: 'dbpool_approve_plan', value: 'AAAAAAAAAAAAAAAAAAAAAA', message_ts: '1.2', response_url: bot.api.responseUrl('b1') });
    await bot.api.waitFor((calls) => calls.some((c) => c.responseId === 'b1'), 15_000);

    // Forged (signed with another secret) and replayed (too old): refused; their logs are scanned too.
    const forged = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', response_url: bot.api.responseUrl('f1') }, { secret: 'not-the-secret' });
    expect(forged.status).toBe(401);
    const replayed = await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', response_url: bot.api.responseUrl('f2') }, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(replayed.status).toBe(401);

    // The database goes away under the bot: its errors are logged, without the password.
    await server!.stop();
    server = undefined;
    const down = await askForReport(bot, 'status', 'l3', SIGNING_SECRET);
    expect(down.ack.status).toBe(200);
    await askForReport(bot, 'idle 1', 'l4', SIGNING_SECRET);

    const log = lines.join('');
    // The capture saw the whole bot: Bolt (the forged and the stale request), the probe, the Slack handlers.
    expect(lines.length).toBeGreaterThan(20);
    const components = new Set(lines.map((l) => (JSON.parse(l) as { component?: string }).component));
    for (const c of ['bolt', 'postgres', 'slack']) expect(components).toContain(c);
    expect(log).toMatch(/signature mismatch/);
    expect(log).toMatch(/request is stale/);
    expect(log).toMatch(/request answered/);
    expect(log).toMatch(/postgres observation failed|monitoring connection/);
    expect(leaks(log)).toEqual([]);
    expect(leaks(JSON.stringify(slackBodies(bot.api.calls)))).toEqual([]);
    expect(bot.api.calls.length).toBeGreaterThan(10);
  });

  it('a wrong database password: the authentication failure is logged and reported without it', async () => {
    const pgWrong = await startPostgres({ maxConnections: 20 });
    const own: string[] = [];
    const logger = capturedLogger(own);
    const config = loadConfig({
      DATABASE_URL: pgWrong.url(pgWrong.database, 'postgres', WRONG_DB_PASSWORD),
      DBPOOL_CONNECT_TIMEOUT_MS: '2000',
      DBPOOL_INSTANCE_SOURCE: 'none',
      DBPOOL_LOG_LEVEL: 'trace',
    });
    const services = await createServices(config, logger, { instanceSources: [], stateFile: ':memory:' });
    try {
      const observation = await services.postgres!.observe({ idleMinutes: 10 });
      expect(observation).toMatchObject({ ok: false, error: { kind: 'auth_failed' } });
      expect(leaks(JSON.stringify(observation))).toEqual([]);
    } finally {
      await services.close();
      await pgWrong.stop();
    }
    const log = own.join('');
    expect(log).toMatch(/password authentication failed/);
    expect(leaks(log)).toEqual([]);
  });

  it('Socket Mode start-up and shutdown log neither the app token nor the bot token', async () => {
    const own: string[] = [];
    const logger = capturedLogger(own);
    const api = await startSlackApiServer();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    api.setSocketUrl(`ws://127.0.0.1:${(wss.address() as { port: number }).port}/link?ticket=t1`);
    wss.on('connection', (ws) => {
      ws.send(JSON.stringify({ type: 'hello', num_connections: 1, debug_info: { host: 'local' }, connection_info: { app_id: 'A0DBPOOL' } }));
    });
    const config = loadConfig({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_APP_TOKEN: APP_TOKEN,
      SLACK_API_URL: api.apiUrl,
      PORT: '0',
      DBPOOL_INSTANCE_SOURCE: 'none',
      DBPOOL_STATE_DIR: bot.stateDir,
      DBPOOL_LOG_LEVEL: 'trace',
    });
    const composed = await composeBot(config, logger, { services: { instanceSources: [], stateFile: ':memory:' } });
    try {
      expect(composed.slack.mode).toBe('socket');
      await composed.slack.start();
      await waitUntil(() => wss.clients.size > 0, 10_000, 'the Socket Mode connection');
    } finally {
      await composed.stop();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((r) => wss.close(() => r()));
      await api.close();
    }
    const log = own.join('');
    expect(log.length).toBeGreaterThan(0);
    expect(leaks(log)).toEqual([]);
    expect(leaks(JSON.stringify(slackBodies(api.calls)))).toEqual([]);
  });
});

describe('SQL only with parameters (static scan of src/)', () => {
  const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../src');

  async function sourceFiles(dir: string): Promise<string[]> {
    const out: string[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) out.push(...(await sourceFiles(full)));
      else if (entry.name.endsWith('.ts')) out.push(full);
    }
    return out;
  }

  /** The first argument of a call whose '(' is at `open`: a literal (with its quote), or an identifier; null if neither. */
  function firstArgument(src: string, open: number): { kind: 'literal' | 'identifier'; text: string; rest: string } | null {
    let i = open + 1;
    while (/\s/.test(src[i] ?? '')) i++;
    const quote = src[i];
    if (quote === '`' || quote === "'" || quote === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== quote) j += src[j] === '\\' ? 2 : 1;
      let k = j + 1;
      while (/\s/.test(src[k] ?? '')) k++;
      return { kind: 'literal', text: src.slice(i, j + 1), rest: src[k] ?? '' };
    }
    const id = /^[A-Za-z_$][\w$.]*/.exec(src.slice(i));
    if (!id) return null;
    let k = i + id[0].length;
    while (/\s/.test(src[k] ?? '')) k++;
    return { kind: 'identifier', text: id[0], rest: src[k] ?? '' };
  }

  /** SQL passed to .query( / .prepare( / .exec( that is not constant text, and SQL-looking templates with ${…}. */
  function scanSql(texts: Map<string, string>): { calls: number; problems: string[] } {
    const problems: string[] = [];
    let calls = 0;
    const constants = new Map<string, string>();
    for (const [where, src] of texts) {
      for (const m of src.matchAll(/(?:export\s+)?const\s+([A-Z][A-Z0-9_]*)\s*=\s*(`|'|")/g)) {
        const arg = firstArgument(src, (m.index ?? 0) + m[0].length - 2);
        if (arg) constants.set(m[1] ?? '', `${where}\u0000${arg.text}`);
      }
      // Any template that reads as SQL, wherever it goes (a local `const sql = …` included).
      for (const m of src.matchAll(/`\s*(SELECT|INSERT|UPDATE|DELETE|WITH|CREATE|ALTER|DROP)\b[^`]*`/gi)) {
        // Recommendations' command lines ({ lang: 'sql', text: `ALTER SYSTEM …` }) are shown to a human, never run.
        const shownOnly = /lang:\s*'sql',\s*text:\s*$/.test(src.slice(Math.max(0, (m.index ?? 0) - 60), m.index));
        if (m[0].includes('${') && !shownOnly) problems.push(`${where}:${src.slice(0, m.index).split('\n').length}: SQL template with \${…} interpolation`);
      }
    }
    for (const [where, src] of texts) {
      // pg's client.query / connection.query, better-sqlite3's db.prepare / db.exec (generic arguments allowed).
      for (const m of src.matchAll(/\.(query|prepare|exec)\s*(?:<[^>()]*>)?\s*\(/g)) {
        const open = (m.index ?? 0) + m[0].length - 1;
        const line = src.slice(0, m.index).split('\n').length;
        const head = src.slice(open + 1, open + 400).trimStart();
        if (head.startsWith('{')) {
          // An options object: dockerode's container.exec({ Cmd }) and the like. pg's query({ text }) would be SQL: flag it.
          const object = head.slice(0, head.indexOf('}') + 1);
          if (/\btext\s*:/.test(object)) problems.push(`${where}:${line}: .${m[1]}({ text: … }): check by hand`);
          continue;
        }
        const arg = firstArgument(src, open);
        if (!arg) {
          problems.push(`${where}:${line}: .${m[1]}( with an argument that is neither constant text nor a name`);
          continue;
        }
        calls++;
        if (arg.rest !== ',' && arg.rest !== ')') problems.push(`${where}:${line}: .${m[1]}( SQL built by an expression (${arg.text.slice(0, 40)} ${arg.rest}…)`);
        if (arg.kind === 'literal' && arg.text.includes('${')) problems.push(`${where}:${line}: .${m[1]}( SQL with \${…} interpolation`);
        if (arg.kind === 'identifier') {
          const constant = constants.get(arg.text);
          if (constant?.includes('${')) problems.push(`${where}:${line}: .${m[1]}(${arg.text}) whose text interpolates \${…} (${constant.split('\u0000')[0]})`);
        }
      }
    }
    return { calls, problems };
  }

  it('the scan itself catches interpolation, concatenation and interpolated constants', () => {
    const bad = new Map([
      ['a.ts', 'await client.query(`SELECT * FROM t WHERE id = ${id}`);'],
      ['b.ts', "db.prepare('SELECT * FROM t WHERE name = ' + name).get();"],
      ['c.ts', 'const BAD_SQL = `DELETE FROM t WHERE id = ${id}`;\nawait c.query<{ n: number }>(BAD_SQL, []);'],
      ['d.ts', "await c.query('SELECT $1::int', [1]); container.exec({ Cmd: ['ps'] });"],
      ['e.ts', "const sql = `UPDATE t SET a = ${a}`;"],
    ]);
    const { calls, problems } = scanSql(bad);
    expect(calls).toBe(4);
    expect(problems.filter((p) => p.startsWith('a.ts'))).not.toEqual([]);
    expect(problems.filter((p) => p.startsWith('b.ts'))).not.toEqual([]);
    expect(problems.filter((p) => p.startsWith('c.ts'))).not.toEqual([]);
    expect(problems.filter((p) => p.startsWith('d.ts'))).toEqual([]);
    expect(problems.filter((p) => p.startsWith('e.ts'))).not.toEqual([]);
  });

  it('every .query( / .prepare( / .exec( in src/ gets constant SQL: no ${…} interpolation, no concatenation', async () => {
    const texts = new Map<string, string>();
    for (const f of await sourceFiles(SRC)) texts.set(path.relative(SRC, f), await readFile(f, 'utf8'));
    const { calls, problems } = scanSql(texts);
    expect(calls).toBeGreaterThan(5);
    expect(problems).toEqual([]);
  });
});
