import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './helpers/postgres-server.js';
import { waitUntil } from './helpers/reliability-bot.js';
import { startSlackApiServer, type SlackApiServer } from './helpers/slack-api-server.js';
import { closedPort, SIGNING_SECRET, startTestBot } from './helpers/slack-bot.js';
import { sendBlockAction, sendSlashCommand } from './helpers/slack-requests.js';
import { startSocketModeServer } from './helpers/socket-mode-server.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** `npm start` (or `dbpool serve` with `args`) as a real process (through tsx, so no build is needed). */
function startMain(env: Record<string, string>, args: string[] = [path.join(ROOT, 'src/main.ts')]) {
  const child = spawn(TSX, args, {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), DBPOOL_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

describe('dbpool serve (src/main.ts)', () => {
  it('a bad value stops start-up naming the variable, with a non-zero exit', async () => {
    const run = startMain({ PORT: 'not-a-port', SLACK_BOT_TOKEN: 'xoxb-x', SLACK_SIGNING_SECRET: 's' });
    expect(await run.exited).not.toBe(0);
    expect(run.stderr()).toContain('PORT');
  });

  it('without SLACK_BOT_TOKEN it says so and exits non-zero', async () => {
    const run = startMain({ SLACK_SIGNING_SECRET: 's' });
    expect(await run.exited).not.toBe(0);
    expect(run.stderr()).toContain('SLACK_BOT_TOKEN');
  });

  it.each([
    ['HTTP mode', { SLACK_SIGNING_SECRET: 's' }],
    ['Socket Mode', { SLACK_APP_TOKEN: 'xapp-1-test' }],
  ])('%s: a port in use stops start-up with one line naming PORT, no stack trace', async (_mode, slackEnv) => {
    const busy = net.createServer();
    await new Promise<void>((resolve) => busy.listen(0, resolve));
    const port = (busy.address() as net.AddressInfo).port;
    const api = await startSlackApiServer();
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-main-'));
    try {
      const run = startMain({
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_API_URL: api.apiUrl,
        PORT: String(port),
        DATABASE_URL: `postgresql://dbpool:secret@127.0.0.1:${await closedPort()}/madras`,
        DBPOOL_INSTANCE_SOURCE: 'none',
        DBPOOL_STATE_DIR: stateDir,
        DBPOOL_LOG_LEVEL: 'error',
        ...slackEnv,
      });
      expect(await run.exited).toBe(78);
      expect(run.stderr().trim()).toBe(`PORT: port ${port} is already in use by another process; set PORT to a free port (it serves /healthz, /metrics and, in HTTP mode, /slack/events)`);
    } finally {
      busy.close();
      await api.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });

  it('serves /healthz and stops cleanly on SIGTERM', async () => {
    const api = await startSlackApiServer();
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-main-'));
    const port = await closedPort();
    const run = startMain({
      SLACK_BOT_TOKEN: 'xoxb-test-token',
      SLACK_SIGNING_SECRET: 'secret',
      SLACK_API_URL: api.apiUrl,
      PORT: String(port),
      DATABASE_URL: `postgresql://dbpool:secret@127.0.0.1:${await closedPort()}/madras`,
      DBPOOL_INSTANCE_SOURCE: 'none',
      DBPOOL_STATE_DIR: stateDir,
    });
    try {
      let health: Response | undefined;
      for (let i = 0; i < 100 && !health; i++) {
        health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
        if (!health) await new Promise((r) => setTimeout(r, 100));
      }
      expect(health?.status).toBe(200);
      expect(((await health?.json()) as { postgres: unknown }).postgres).toEqual({ configured: true, reachable: false });
      run.child.kill('SIGTERM');
      expect(await run.exited).toBe(0);
    } finally {
      run.child.kill('SIGKILL');
      await api.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

describe('dbpool serve: start-up against Slack (Socket Mode)', () => {
  /** serve in Socket Mode against the Web API stand-in; `prepare` sets how Slack answers before it starts. */
  async function serveSocketMode(prepare: (api: SlackApiServer) => void, env: Record<string, string> = {}, args?: string[]) {
    const api = await startSlackApiServer();
    prepare(api);
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-main-'));
    const run = startMain(
      {
        SLACK_BOT_TOKEN: 'xoxb-test-token',
        SLACK_APP_TOKEN: 'xapp-1-test-token',
        SLACK_API_URL: api.apiUrl,
        PORT: String(await closedPort()),
        DATABASE_URL: `postgresql://dbpool:secret@127.0.0.1:${await closedPort()}/madras`,
        DBPOOL_INSTANCE_SOURCE: 'none',
        DBPOOL_STATE_DIR: stateDir,
        ...env,
      },
      args,
    );
    return {
      api,
      run,
      async cleanup() {
        run.child.kill('SIGKILL');
        await api.close();
        await rm(stateDir, { recursive: true, force: true });
      },
    };
  }

  const cases: { name: string; prepare: (api: SlackApiServer) => void; args?: string[] }[] = [
    { name: 'Slack never answers apps.connections.open', prepare: (api) => void api.hang('apps.connections.open') },
    { name: 'Slack unreachable (connections reset)', prepare: (api) => void api.refuse('apps.connections.open') },
    { name: 'Slack never answers auth.test (dbpool serve)', prepare: (api) => void api.hang('auth.test'), args: [path.join(ROOT, 'src/cli/main.ts'), 'serve'] },
  ];
  for (const c of cases) {
    it(`a SIGTERM while start-up waits for Slack ends the process cleanly: ${c.name}`, async () => {
      const s = await serveSocketMode(c.prepare, {}, c.args);
      try {
        const method = c.name.includes('auth.test') ? 'auth.test' : 'apps.connections.open';
        await s.api.waitFor((calls) => calls.some((call) => call.method === method), 30_000);
        s.run.child.kill('SIGTERM');
        expect(await s.run.exited).toBe(0);
      } finally {
        await s.cleanup();
      }
    });
  }

  for (const code of ['invalid_auth', 'not_allowed_token_type']) {
    it(`${code} from apps.connections.open ends start-up naming SLACK_APP_TOKEN`, async () => {
      const s = await serveSocketMode((api) => void api.failWith('apps.connections.open', code));
      try {
        expect(await s.run.exited).toBe(78);
        expect(s.run.stderr()).toMatch(new RegExp(`SLACK_APP_TOKEN: .*${code}`));
        expect(s.api.callsOf('apps.connections.open')).toHaveLength(1);
      } finally {
        await s.cleanup();
      }
    });
  }

  it('link_disabled while serving: the bot shuts down cleanly and exits 78 with a message saying what to change', async () => {
    const link = await startSocketModeServer();
    const s = await serveSocketMode((api) => api.setSocketUrl(link.url));
    try {
      await link.waitFor(() => link.isOpen(), 30_000, 'the bot to connect');
      link.disconnect('link_disabled');
      expect(await s.run.exited).toBe(78);
      expect(s.run.stderr()).toMatch(/SLACK_APP_TOKEN: .*link_disabled.*Socket Mode/);
      expect(s.api.callsOf('apps.connections.open')).toHaveLength(1);
    } finally {
      await s.cleanup();
      await link.close();
    }
  });

  it('a bot token in SLACK_APP_TOKEN is refused before anything starts, naming the variable', async () => {
    const s = await serveSocketMode(() => {}, { SLACK_APP_TOKEN: 'xoxb-2-wrong-kind' });
    try {
      expect(await s.run.exited).toBe(78);
      expect(s.run.stderr()).toContain('SLACK_APP_TOKEN');
      expect(s.run.stderr()).toContain('xapp-');
      expect(s.run.stderr()).not.toContain('wrong-kind');
      expect(s.api.calls).toHaveLength(0);
    } finally {
      await s.cleanup();
    }
  });

  it('without DATABASE_URL serve refuses to start, naming it', async () => {
    const s = await serveSocketMode(() => {}, { DATABASE_URL: '' });
    try {
      expect(await s.run.exited).toBe(78);
      expect(s.run.stderr()).toContain('DATABASE_URL');
      expect(s.api.calls).toHaveLength(0);
    } finally {
      await s.cleanup();
    }
  });
});

describe('the composition (composeBot): each part gets what it needs, built in order', () => {
  it('with a database, a state file and a summary channel: scheduler, summary, mute and lease are wired; stop closes everything', async () => {
    const server = await startPostgres();
    const admin = await server.admin();
    const bot = await startTestBot({ DATABASE_URL: server.url(), DBPOOL_SUMMARY_CHANNEL: 'C0DAILY', DBPOOL_WARNING_CHANNEL: 'C0WARN', DBPOOL_SAMPLE_SECONDS: '3600' }, undefined, { schedule: true });
    try {
      const scheduler = bot.composed.scheduler;
      expect(scheduler).not.toBeNull();
      expect(bot.composed.slack.mode).toBe('http');
      // The scheduler took its first sample at start: the history has it.
      await waitUntil(() => (bot.services.history?.count() ?? 0) === 1, 15_000, 'the first sample');
      // The leader lease holds its advisory lock on a connection of its own.
      await waitUntil(
        async () => (await admin.query(`SELECT 1 FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND a.application_name = 'dbpool'`)).rowCount === 1,
        15_000,
        'the leader lease',
      );
      // `/dbpool summary` reads the scheduler's summary: the sampler's fresh report, no new diagnosis.
      const diagnoses = async () => Number(/dbpool_diagnosis_duration_seconds_count (\d+)/.exec(await bot.services.metrics?.registry.metrics() ?? "")?.[1]);
      const before = await diagnoses();
      await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'summary', response_url: bot.api.responseUrl('s') });
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.postMessage' && c.body.channel === 'C0INCIDENT'), 20_000);
      expect(await diagnoses()).toBe(before);
      // "Mute 1h" reaches the scheduler's early warnings.
      await sendBlockAction(bot.eventsUrl, SIGNING_SECRET, { actionId: 'dbpool_mute_warnings', value: '1h', message_ts: '1.1', response_url: bot.api.responseUrl('m') });
      await bot.api.waitFor((calls) => calls.some((c) => c.responseId === 'm'), 20_000);
      expect(scheduler?.scheduler.warnings?.isMuted(new Date(Date.now() + 30 * 60_000))).toBe(true);
    } finally {
      await bot.stop();
    }
    // Stopped: neither the monitoring connection nor the lease's is left on the server.
    await waitUntil(async () => (await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = 'dbpool'`)).rowCount === 0, 15_000, 'dbpool to disconnect');
    await admin.end();
    await server.stop();
  });

  it('without a database there is no scheduler and no remediation, and the bot still serves Slack', async () => {
    const bot = await startTestBot({ DATABASE_URL: '' });
    try {
      expect(bot.composed.scheduler).toBeNull();
      expect(bot.services.remediation).toBeNull();
      const res = await fetch(`${bot.baseUrl}/healthz`);
      expect(((await res.json()) as { postgres: unknown }).postgres).toEqual({ configured: false, reachable: false });
      // A report then is the deployment's problem, said as such: not "Wrong argument" for a correct command.
      await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', response_url: bot.api.responseUrl('nodb') });
      await bot.api.waitFor((calls) => calls.some((c) => c.method === 'chat.update' || c.responseId === 'nodb'));
      const reply = JSON.stringify([...bot.api.callsOf('chat.update'), ...bot.api.callsOf('response_url')].map((c) => c.body));
      expect(reply).toContain('Configuration error');
      expect(reply).toContain('DATABASE_URL');
      expect(reply).not.toContain('Wrong argument');
    } finally {
      await bot.stop();
    }
  });
});
