/**
 * A burst of 200 signed `/dbpool status` through Bolt's real HTTP receiver, against a real
 * (embedded) PostgreSQL and the app's real local processes: the ack times, the diagnoses the burst
 * cost (shared: goal 1 per concurrent burst), the event loop's worst delay, and the resident memory
 * before, at its peak and after. Goals: every ack below Slack's 3 s; RSS back near its start.
 * Alone: npx tsx bench/status-burst.bench.ts
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createProcessInstanceSource } from '../src/probes/processes/process-instance-source.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { SIGNING_SECRET, startTestBot } from '../test/helpers/slack-bot.js';
import { sendSlashCommand } from '../test/helpers/slack-requests.js';
import { spawnApp } from '../test/helpers/spawn-app.js';

const BURST = 200;
const MIB = 1024 * 1024;

export async function benchStatusBurst(): Promise<{ name: string; value: string }[]> {
  const server = await startPostgres({ maxConnections: 40 });
  const app = spawnApp({ DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '4', DATABASE_URL: server.url() });
  await app.started;
  const source = createProcessInstanceSource(loadConfig({ APP_PROCESS_PATTERN: app.pattern }).app, { onlyDescendantsOf: process.pid });
  const bot = await startTestBot({ DATABASE_URL: server.url(), APP_PROCESS_PATTERN: app.pattern }, undefined, { bot: { services: { instanceSources: [source] } } });
  try {
    for (let i = 0; i < 100 && !bot.services.postgres?.isConnected(); i++) await new Promise((r) => setTimeout(r, 50));
    const diagnoses = async () => Number(/dbpool_diagnosis_duration_seconds_count (\d+)/.exec(await bot.services.metrics?.registry.metrics() ?? "")?.[1] ?? 0);
    global.gc?.();
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const rssSampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage().rss)), 20);
    const lag = monitorEventLoopDelay({ resolution: 10 });
    lag.enable();
    const diagnosesBefore = await diagnoses();
    const started = performance.now();
    const acks = await Promise.all(
      Array.from({ length: BURST }, (_, i) => sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'status', user_id: `U0B${i}`, response_url: bot.api.responseUrl(`b${i}`) })),
    );
    await bot.api.waitFor((calls) => calls.filter((c) => c.method === 'chat.update').length >= BURST, 120_000);
    const allPostedMs = performance.now() - started;
    lag.disable();
    clearInterval(rssSampler);
    const burstDiagnoses = (await diagnoses()) - diagnosesBefore;
    await new Promise((r) => setTimeout(r, 1000));
    global.gc?.();
    const rssAfter = process.memoryUsage().rss;

    const ms = acks.map((a) => a.ms).sort((a, b) => a - b);
    const at = (q: number) => ms[Math.min(ms.length - 1, Math.ceil(q * ms.length) - 1)] ?? NaN;
    return [
      { name: `ack, median / p95 / max (${BURST} concurrent /dbpool status)`, value: `${at(0.5).toFixed(0)} / ${at(0.95).toFixed(0)} / ${at(1).toFixed(0)} ms` },
      { name: 'acks at or over 3,000 ms (goal 0)', value: String(ms.filter((m) => m >= 3000).length) },
      { name: 'acks not 200', value: String(acks.filter((a) => a.status !== 200).length) },
      { name: 'diagnoses for the burst (shared; goal: a few, not 200)', value: String(burstDiagnoses) },
      { name: 'event loop delay, max during the burst', value: `${(lag.max / 1e6).toFixed(0)} ms` },
      { name: `all ${BURST} reports posted`, value: `${allPostedMs.toFixed(0)} ms` },
      { name: 'RSS before / peak / 1 s after', value: `${(rssBefore / MIB).toFixed(0)} / ${(rssPeak / MIB).toFixed(0)} / ${(rssAfter / MIB).toFixed(0)} MiB` },
    ];
  } finally {
    await bot.stop();
    await app.stop();
    await server.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchStatusBurst()) console.log(`${f.name}: ${f.value}`);
  process.exit(0);
}
