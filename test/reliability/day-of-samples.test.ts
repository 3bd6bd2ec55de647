/**
 * A day of samples at one per second through the real sampler and the real SQLite store: memory stays
 * flat (the history lives on disk, not in the process) and the store holds exactly a day's rows.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { silentLogger } from '../../src/logger.js';
import { HistoryStore } from '../../src/state/history-store.js';
import { Sampler } from '../../src/schedule/sampler.js';
import { openStateDb } from '../../src/state/state-store.js';
import { facts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const DAY = 86_400;
let dir: string | undefined;
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a day of samples at one per second', () => {
  it('stores 86,400 samples with the heap flat', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-day-'));
    const db = openStateDb(path.join(dir, 'dbpool.sqlite'));
    const history = new HistoryStore(db);
    let t = Date.parse('2026-11-26T00:00:00Z');
    const report = buildReport('status', facts(), settings());
    const sampler = new Sampler({
      takeReport: async () => ({ ...report, generatedAt: new Date(t).toISOString() }),
      history,
      intervalSeconds: 1,
      retentionDays: 30,
      expectedInstances: 1,
      now: () => new Date(t),
      timer: { setTimeout: () => null, clearTimeout: () => undefined },
      logger: silentLogger(),
    });
    const heapAt: number[] = [];
    for (let i = 0; i < DAY; i++) {
      await sampler.sampleOnce();
      t += 1000;
      if (i % 21_600 === 0) heapAt.push(process.memoryUsage().heapUsed);
    }
    expect(history.count()).toBe(DAY);
    // Quarter-day checkpoints: no growth with the number of samples beyond noise.
    const growthMb = (Math.max(...heapAt) - heapAt[0]!) / 1024 / 1024;
    expect(growthMb).toBeLessThan(64);
    const size = (await stat(path.join(dir, 'dbpool.sqlite'))).size + (await stat(path.join(dir, 'dbpool.sqlite-wal')).catch(() => ({ size: 0 }))).size;
    expect(size / DAY).toBeLessThan(400); // bytes per sample
    db.close();
  }, 240_000);
});
