/**
 * The bot at rest, as deployed: `node dist/main.js` in its own process (HTTP mode, a local stand-in
 * for Slack's Web API, a real PostgreSQL), measured from /proc: resident memory after start-up and
 * the CPU it spends idling, then per `/dbpool status`.
 * Alone: npx tsx bench/bot-idle.bench.ts (needs `npm run build` first)
 */
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { startSlackApiServer } from '../test/helpers/slack-api-server.js';
import { closedPort, SIGNING_SECRET } from '../test/helpers/slack-bot.js';
import { sendSlashCommand } from '../test/helpers/slack-requests.js';

const MAIN = path.join(path.dirname(fileURLToPath(import.meta.url)), '../dist/main.js');
const TICKS = 100; // USER_HZ
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function procStats(pid: number): Promise<{ rssMiB: number; cpuSeconds: number }> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return { rssMiB: rssKb / 1024, cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS };
}

export async function benchBotIdle(): Promise<{ name: string; value: string }[]> {
  const server = await startPostgres();
  const api = await startSlackApiServer();
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-bench-'));
  const port = await closedPort();
  const bot = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH ?? '',
      DATABASE_URL: server.url(),
      SLACK_BOT_TOKEN: 'xoxb-bench',
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: api.apiUrl,
      PORT: String(port),
      DBPOOL_INSTANCE_SOURCE: 'none',
      DBPOOL_STATE_DIR: stateDir,
      DBPOOL_LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  try {
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; i < 200; i++) {
      if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
      await sleep(50);
    }
    await sleep(2000);
    const pid = bot.pid ?? 0;
    const a = await procStats(pid);
    await sleep(10_000);
    const b = await procStats(pid);
    const N = 50;
    for (let i = 0; i < N; i++) {
      await sendSlashCommand(`${url}/slack/events`, SIGNING_SECRET, { text: 'status', response_url: api.responseUrl(`i${i}`), user_id: 'U0BENCH' });
    }
    await api.waitFor((calls) => calls.filter((c) => c.method === 'chat.update').length >= N, 60_000);
    const c = await procStats(pid);
    return [
      { name: 'idle RSS after start-up (node dist/main.js)', value: `${a.rssMiB.toFixed(0)} MiB` },
      { name: 'idle CPU over 10 s', value: `${((b.cpuSeconds - a.cpuSeconds) * 1000).toFixed(0)} ms` },
      { name: `CPU per /dbpool status (${N} sequential, whole request)`, value: `${(((c.cpuSeconds - b.cpuSeconds) * 1000) / N).toFixed(1)} ms` },
      { name: `RSS after ${N} reports`, value: `${c.rssMiB.toFixed(0)} MiB` },
    ];
  } finally {
    bot.kill('SIGTERM');
    await new Promise((r) => bot.once('exit', r));
    await api.close();
    await server.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.table(await benchBotIdle());
}
