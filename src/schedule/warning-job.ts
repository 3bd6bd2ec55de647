import type { Report } from '../core/report.js';
import type { Thresholds } from '../core/thresholds.js';
import type { Catalog, Lang } from '../i18n/catalog.js';
import { catalogFor } from '../i18n/index.js';
import { createFormatter } from '../i18n/format.js';
import type { Logger } from '../logger.js';
import type { Sample } from '../core/sample-from-report.js';
import type { WarningDecision, WarningState } from './warning-state.js';
import type { WarningStateStore } from '../state/warning-state-store.js';

export type PostDecision = Exclude<WarningDecision, { kind: 'none' }>;

/** Posts an early warning; the Slack implementation posts the status report with its remediation buttons and a "Mute 1h" button. */
export interface WarningPoster {
  /**
   * `text` is the warning's headline in `lang`; `report` is the status report of the same sample.
   * For 'post-in-thread' with a null threadTs (the first post failed), post a new message.
   * Returns the ts of the posted message (the thread of later updates for a 'post-new').
   */
  postWarning(input: { decision: PostDecision; text: string; report: Report; channel: string; lang: Lang }): Promise<{ ts: string } | null>;
}

export interface WarningJobOptions {
  state: WarningState;
  /** Keeps the state across restarts; null keeps it in memory only. */
  store: WarningStateStore | null;
  poster: WarningPoster;
  channel: string;
  lang: Lang;
  thresholds: Pick<Thresholds, 'warnUtilization' | 'critUtilization'>;
  /** Only the leader posts; every replica feeds its state, so a new leader does not repeat an announced warning. */
  isLeader: () => boolean;
  logger: Logger;
}

/** Feeds each sample to the warning state machine and posts what it decides. */
export class WarningJob {
  constructor(private readonly o: WarningJobOptions) {}

  async onSample(sample: Sample, report: Report): Promise<WarningDecision> {
    const utilization = sampleUtilization(sample);
    const decision = this.o.state.observe(utilization, sample.at);
    if (decision.kind !== 'none' && this.o.isLeader()) await this.post(decision, (utilization ?? 0) * 100, report);
    this.o.store?.save(this.o.state.snapshot(), sample.at);
    return decision;
  }

  private async post(decision: PostDecision, utilizationPercent: number, report: Report): Promise<void> {
    const t = catalogFor(this.o.lang);
    const text = warningText(decision, utilizationPercent, this.o.thresholds, t, createFormatter(this.o.lang));
    try {
      const posted = await this.o.poster.postWarning({ decision, text, report, channel: this.o.channel, lang: this.o.lang });
      if (decision.kind === 'post-new' && posted) this.o.state.setThreadTs(posted.ts);
    } catch (err) {
      this.o.logger.error({ err, decision }, 'posting the warning failed');
    }
  }

  /** The "Mute 1h" button. */
  mute(until: Date, at: Date = new Date()): void {
    this.o.state.mute(until);
    this.o.store?.save(this.o.state.snapshot(), at);
  }

  isMuted(at: Date): boolean {
    return this.o.state.isMuted(at);
  }
}

/** A refusal by the server (it is full) counts as 100 %; a gap is no information. */
export function sampleUtilization(sample: Sample): number | null {
  if (sample.refused) return 1;
  if (!sample.ok || sample.clientConnections === null || !sample.usable) return null;
  return sample.clientConnections / sample.usable;
}

export function warningText(
  d: PostDecision,
  utilizationPercent: number,
  th: Pick<Thresholds, 'warnUtilization' | 'critUtilization'>,
  t: Catalog,
  f: ReturnType<typeof createFormatter>,
): string {
  const threshold = Math.round((d.severity === 'crit' ? th.critUtilization : th.warnUtilization) * 100);
  const utilization = Math.round(utilizationPercent);
  if (d.severity === 'ok') return t.warning.recovered({ utilization }, f);
  if (d.kind === 'post-new') return t.warning.opened({ severity: d.severity, utilization, threshold }, f);
  if (d.reason === 'escalated') return t.warning.escalated({ utilization, threshold }, f);
  return t.warning.relapsed({ severity: d.severity, utilization, threshold }, f);
}
