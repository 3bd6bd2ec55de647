/**
 * The cost of the history: CPU time of one sample (one diagnosis on the monitoring connection, the
 * pool math, one SQLite insert) against a real PostgreSQL, and the time to build a day's summary
 * (figures, document, PNG chart) from 86,400 one-second samples, with the store's size on disk.
 * Goal: a sample costs a few ms of CPU (at one a minute, negligible); a summary well under a second.
 * Alone: npx tsx bench/schedule.bench.ts
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import { createDiagnoser } from '../src/diagnosis/diagnose.js';
import { silentLogger } from '../src/logger.js';
import { createPostgresProbe } from '../src/probes/postgres/postgres-probe.js';
import type { Sample } from '../src/core/sample-from-report.js';
import { HistoryStore } from '../src/state/history-store.js';
import { Sampler } from '../src/schedule/sampler.js';
import { buildSummary } from '../src/diagnosis/build-summary.js';
import { renderSummary } from '../src/render/render-summary.js';
import { openStateDb } from '../src/state/state-store.js';
import { startPostgres } from '../test/helpers/postgres-server.js';

const SAMPLES = 500;
const DAY_SECONDS = 86_400;

export async function benchSchedule(): Promise<{ name: string; value: string }[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-bench-schedule-'));
  const server = await startPostgres();
  const figures: { name: string; value: string }[] = [];
  try {
    const config = loadConfig({ DATABASE_URL: server.url(), DBPOOL_INSTANCE_SOURCE: 'none', DBPOOL_SAMPLE_SECONDS: '1' });
    const probe = createPostgresProbe(config.postgres!, { logger: silentLogger() });
    probe.start();
    const diagnoser = createDiagnoser({ postgres: probe, instanceSources: [], now: () => new Date(), sourceTimeoutMs: 5_000 }, config);
    const db = openStateDb(path.join(dir, 'sampler.sqlite'));
    const sampler = new Sampler({
      takeReport: () => diagnoser.diagnose('status'),
      history: new HistoryStore(db),
      intervalSeconds: 60,
      retentionDays: 30,
      expectedInstances: 1,
      now: () => new Date(),
      logger: silentLogger(),
    });
    for (let i = 0; i < 20; i++) await sampler.sampleOnce(); // warm-up: connection, JIT
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let gaps = 0;
    for (let i = 0; i < SAMPLES; i++) if (!(await sampler.sampleOnce())?.ok) gaps++;
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    figures.push(
      { name: `CPU per sample (user+system, ${SAMPLES} samples)`, value: `${((cpu.user + cpu.system) / SAMPLES / 1000).toFixed(2)} ms` },
      { name: 'wall time per sample', value: `${(wall / SAMPLES).toFixed(2)} ms` },
      { name: 'failed samples (expected 0)', value: String(gaps) },
    );
    await probe.close();
    db.close();

    // A day of one-second samples, and the day before at the same rate (for the change).
    const dayFile = path.join(dir, 'day.sqlite');
    const dayDb = openStateDb(dayFile);
    const history = new HistoryStore(dayDb);
    const now = new Date('2026-11-26T05:30:00Z');
    const series = function* (): Generator<Sample> {
      for (let i = 2 * DAY_SECONDS; i > 0; i--) {
        const at = new Date(now.getTime() - i * 1000);
        const connections = 40 + Math.round(35 * Math.sin(i / 3000)) + (i % 7);
        yield i % 5000 === 0
          ? { at, ok: false, clientConnections: null, usable: null, maxConnections: null, appDemand: null, instances: null, extraInstances: null, refused: false, logRefusals: null, errorKind: 'timeout' }
          : { at, ok: true, clientConnections: connections, usable: 97, maxConnections: 100, appDemand: 80, instances: 1, extraInstances: 0, refused: false, logRefusals: 0, errorKind: null };
      }
    };
    const ti = performance.now();
    history.appendMany(series());
    const insertMs = performance.now() - ti;
    dayDb.exec('PRAGMA wal_checkpoint(TRUNCATE)');
    const size = (await stat(dayFile)).size;
    const summaryConfig = { thresholds: config.thresholds, schedule: { ...config.schedule, sampleSeconds: 1 } };
    const deps = { history, audit: null, config: summaryConfig, currentReport: async () => null };
    await buildSummary(deps, now); // warm-up
    const ts = performance.now();
    const summary = await buildSummary(deps, now);
    const figuresMs = performance.now() - ts;
    const tr = performance.now();
    await renderSummary(summary, 'fa', { timeZone: 'Asia/Tehran', chart: true });
    const renderMs = performance.now() - tr;
    figures.push(
      { name: `summary figures from ${DAY_SECONDS.toLocaleString('en-US')} one-second samples (+ the day before)`, value: `${figuresMs.toFixed(0)} ms` },
      { name: 'summary document + PNG chart (fa)', value: `${renderMs.toFixed(0)} ms` },
      { name: `store size for ${(2 * DAY_SECONDS).toLocaleString('en-US')} samples`, value: `${(size / 1024 / 1024).toFixed(1)} MiB (${(size / (2 * DAY_SECONDS)).toFixed(0)} B/sample)` },
      { name: 'inserting them (one transaction)', value: `${insertMs.toFixed(0)} ms` },
      { name: 'SQLite driver (Node.js version)', value: `${dayDb.driver} (${process.version})` },
    );
    dayDb.close();
  } finally {
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchSchedule()) console.log(`${f.name}: ${f.value}`);
}
