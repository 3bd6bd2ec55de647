import type { Report } from '../core/report.js';
import type { Logger } from '../logger.js';
import { sampleFromReport, type Sample } from '../core/sample-from-report.js';
import type { HistoryStore } from '../state/history-store.js';
import { realTimer, type Timer } from '../timer.js';

export interface SamplerOptions {
  /** One status diagnosis: `() => diagnoser.diagnose('status')`. */
  takeReport: () => Promise<Report>;
  history: HistoryStore;
  intervalSeconds: number;
  retentionDays: number;
  expectedInstances: number;
  now: () => Date;
  timer?: Timer;
  logger: Logger;
  /** Told of each sample and the report it came from (the early warnings use both). */
  onSample?: (sample: Sample, report: Report) => void | Promise<void>;
}

const PURGE_EVERY_MS = 3_600_000;

/**
 * Takes one sample every interval. Runs never overlap: the next one is scheduled when the current
 * one ends (a slow probe stretches the interval rather than stacking queries on the server).
 */
export class Sampler {
  private handle: unknown = null;
  private running: Promise<Sample | null> | null = null;
  private stopped = true;
  private previousLogTotal: number | null = null;
  private lastPurge = 0;
  private readonly timer: Timer;

  constructor(private readonly options: SamplerOptions) {
    this.timer = options.timer ?? realTimer;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle !== null) this.timer.clearTimeout(this.handle);
    this.handle = null;
    await this.running;
  }

  /** One sample now; if one is already running, waits for it instead of starting another. */
  sampleOnce(): Promise<Sample | null> {
    this.running ??= this.take().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.handle = this.timer.setTimeout(() => {
      this.handle = null;
      const started = this.options.now().getTime();
      void this.sampleOnce().then(() => {
        const elapsed = this.options.now().getTime() - started;
        this.schedule(Math.max(0, this.options.intervalSeconds * 1000 - elapsed));
      });
    }, ms);
  }

  private async take(): Promise<Sample | null> {
    const o = this.options;
    try {
      const report = await o.takeReport();
      const { sample, logTotal } = sampleFromReport(report, o.expectedInstances, this.previousLogTotal);
      this.previousLogTotal = logTotal;
      o.history.append(sample);
      const now = o.now();
      if (now.getTime() - this.lastPurge >= PURGE_EVERY_MS) {
        this.lastPurge = now.getTime();
        o.history.purge(now, o.retentionDays);
      }
      await o.onSample?.(sample, report);
      return sample;
    } catch (err) {
      // diagnose() never throws for a probe failure; this is the state store or a hook.
      o.logger.error({ err }, 'sampling failed');
      return null;
    }
  }
}
