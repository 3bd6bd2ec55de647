import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startSlackApiServer } from '../helpers/slack-api-server.js';
import { closedPort } from '../helpers/slack-bot.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

/** `npm start` as a real process (through tsx, so no build is needed). */
function startMain(env: Record<string, string>) {
  const child = spawn(TSX, [path.join(ROOT, 'src/main.ts')], {
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
