import type { Config } from '../config.js';
import type { Report } from '../core/report.js';
import type { Logger } from '../logger.js';
import { dueRun } from './daily-schedule.js';
import type { HistoryStore } from '../state/history-store.js';
import { Sampler } from './sampler.js';
import { buildSummary, type SummaryDeps } from '../diagnosis/build-summary.js';
import type { Lang } from '../i18n/index.js';
import { renderSummary } from '../render/render-summary.js';
import type { SummaryDocument } from '../render/summary-document.js';
import { realTimer, type Timer } from '../timer.js';
import type { SummaryRuns } from '../state/summary-runs.js';
import { WarningJob, type WarningPoster } from './warning-job.js';
import { WarningState } from './warning-state.js';
import type { WarningStateStore } from '../state/warning-state-store.js';

/** Posts a daily summary; the Slack implementation uses chat.postMessage and files.uploadV2. */
export interface SummaryPoster {
  /** png is null where upload is not allowed: the document's sparkline stands in for it. */
  postSummary(doc: SummaryDocument, png: Buffer | null, channel: string, lang: Lang): Promise<void>;
  /** How the medium sets identifiers (Slack: code spans); the terminal's bidi isolates without. */
  code?: (s: string) => string;
}

export interface SchedulerDeps {
  config: Pick<Config, 'thresholds' | 'schedule' | 'app' | 'timeZone'>;
  /** One status diagnosis: `() => diagnoser.diagnose('status')`. */
  takeReport: () => Promise<Report>;
  history: HistoryStore;
  runs: SummaryRuns;
  audit: SummaryDeps['audit'];
  /** LeaderLease, or null for a single replica (always leader). */
  lease: { isLeader(): boolean } | null;
  summaryPoster: SummaryPoster | null;
  warningPoster: WarningPoster | null;
  /** Keeps the warnings' state across restarts (the state file); absent: in memory only. */
  warningStore?: WarningStateStore | null;
  /** Names this replica in summary_runs (host name, pod name). */
  replicaId: string;
  now: () => Date;
  timer?: Timer;
  logger: Logger;
  /** How often the daily schedule is checked; default 30 s. */
  checkEveryMs?: number;
}

/**
 * Fixed behaviour of the warnings and the summary, not settings: a warning clears 5 points below its
 * line, a repeat at the same level stays silent for 30 minutes, and a summary missed while the bot
 * was down is still posted within 3 hours.
 */
const WARN_HYSTERESIS = 0.05;
const WARN_COOLDOWN_MINUTES = 30;
const SUMMARY_GRACE_MINUTES = 180;

export type SummaryTickResult = 'no-channel' | 'follower' | 'not-due' | 'already-claimed' | 'posted' | 'failed';

/**
 * The composition of the scheduled work: the sampler (which feeds the early warnings) and the daily
 * summary check. The summary is checked every 30 s rather than armed for one instant, so a clock
 * jump, a sleep or a restart cannot skip it; the summary_runs claim keeps it to one post per day.
 */
export class Scheduler {
  readonly sampler: Sampler;
  readonly warnings: WarningJob | null;
  private latest: { report: Report; at: number } | null = null;
  private handle: unknown = null;
  private stopped = true;
  private readonly timer: Timer;

  constructor(private readonly d: SchedulerDeps) {
    this.timer = d.timer ?? realTimer;
    const s = d.config.schedule;
    const isLeader = () => d.lease?.isLeader() ?? true;
    this.warnings =
      d.warningPoster && s.warningChannel
        ? new WarningJob({
            state: new WarningState(
              { ...d.config.thresholds, hysteresis: WARN_HYSTERESIS, cooldownMinutes: WARN_COOLDOWN_MINUTES },
              d.warningStore?.load() ?? undefined,
            ),
            store: d.warningStore ?? null,
            poster: d.warningPoster,
            channel: s.warningChannel,
            lang: s.summaryLang,
            thresholds: d.config.thresholds,
            isLeader,
            logger: d.logger,
          })
        : null;
    this.sampler = new Sampler({
      takeReport: d.takeReport,
      history: d.history,
      intervalSeconds: s.sampleSeconds,
      retentionDays: s.historyDays,
      expectedInstances: d.config.app.expectedInstances,
      now: d.now,
      timer: this.timer,
      logger: d.logger,
      onSample: async (sample, report) => {
        this.latest = { report, at: d.now().getTime() };
        await this.warnings?.onSample(sample, report);
      },
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.sampler.start();
    const loop = () => {
      void this.tickSummary().finally(() => {
        if (!this.stopped) this.handle = this.timer.setTimeout(loop, this.d.checkEveryMs ?? 30_000);
      });
    };
    loop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.handle !== null) this.timer.clearTimeout(this.handle);
    await this.sampler.stop();
  }

  /** What the summary builder uses: the sampler's report when fresh, else a new diagnosis. */
  summaryDeps(): SummaryDeps {
    return {
      history: this.d.history,
      audit: this.d.audit,
      config: this.d.config,
      currentReport: async () => {
        const maxAgeMs = 2 * this.d.config.schedule.sampleSeconds * 1000;
        if (this.latest && this.d.now().getTime() - this.latest.at <= maxAgeMs) return this.latest.report;
        return this.d.takeReport();
      },
    };
  }

  /** Posts the daily summary if one is due, this replica leads and nobody claimed the day yet. */
  async tickSummary(): Promise<SummaryTickResult> {
    const s = this.d.config.schedule;
    if (!s.summaryChannel || !this.d.summaryPoster) return 'no-channel';
    if (!(this.d.lease?.isLeader() ?? true)) return 'follower';
    const now = this.d.now();
    const due = dueRun(now, { time: s.summaryTime, timeZone: this.d.config.timeZone }, SUMMARY_GRACE_MINUTES);
    if (!due) return 'not-due';
    if (!this.d.runs.claim(due.localDate, now, this.d.replicaId)) return 'already-claimed';
    try {
      const summary = await buildSummary(this.summaryDeps(), now);
      const { doc, png } = await renderSummary(summary, s.summaryLang, { timeZone: this.d.config.timeZone, chart: true, code: this.d.summaryPoster.code });
      await this.d.summaryPoster.postSummary(doc, png, s.summaryChannel, s.summaryLang);
      this.d.runs.finish(due.localDate, 'posted');
      this.d.logger.info({ localDate: due.localDate, lateMs: due.lateMs }, 'daily summary posted');
      return 'posted';
    } catch (err) {
      // Not retried: a half-sent post retried could appear twice, which is worse than a missing one.
      this.d.runs.finish(due.localDate, 'failed', err instanceof Error ? err.message : String(err));
      this.d.logger.error({ err, localDate: due.localDate }, 'daily summary failed');
      return 'failed';
    }
  }
}
