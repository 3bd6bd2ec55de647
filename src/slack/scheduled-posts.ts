import type { webApi } from '@slack/bolt';
import type { ReconciledPlan } from '../actions/remediation-flow.js';
import type { Lang } from '../i18n/index.js';
import { catalogFor } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { documentToBlocks, reportToSlack, slackFormatter, type SlackButton } from '../render/block-kit.js';
import { escapeMrkdwn, slackCode } from '../render/slack-mrkdwn.js';
import type { SummaryDocument } from '../render/summary-document.js';
import type { SummaryPoster } from '../schedule/scheduler.js';
import type { WarningPoster } from '../schedule/warning-job.js';
import { proposeButtons, reconciledMessage } from './remediation-messages.js';
import { fixFirst, reportButtons } from './report-buttons.js';
import { ACTION_IDS } from './slack-constants.js';

/**
 * The daily summary: the chart uploaded with files.uploadV2, then the summary itself. Where upload is
 * not allowed the text sparkline stands in for the chart.
 */
export function createSlackSummaryPoster(client: webApi.WebClient, logger: Logger): SummaryPoster {
  return {
    code: slackCode,
    async postSummary(doc, png, channel, lang) {
      let uploaded = false;
      if (png) {
        try {
          await client.files.uploadV2({ channel_id: channel, file: png, filename: 'dbpool-connections.png', title: doc.title });
          uploaded = true;
        } catch (err) {
          logger.warn({ err: (err as { data?: { error?: string } }).data?.error ?? String(err) }, 'chart upload refused: posting the sparkline instead');
        }
      }
      await client.chat.postMessage({ channel, ...summaryToSlack(doc, lang, !uploaded) });
    },
  };
}

export function summaryToSlack(doc: SummaryDocument, lang: Lang, withSparkline: boolean) {
  const t = catalogFor(lang);
  const f = slackFormatter(lang);
  return documentToBlocks(
    { ...doc, context: withSparkline ? [...doc.context, doc.sparkline] : doc.context },
    { andMore: (count) => t.label.andMore({ count }, f) },
  );
}

/** An early warning: the status report with its buttons (remediation included) and "Mute 1h"; updates go in its thread. */
export function createSlackWarningPoster(client: webApi.WebClient, options: { remediation: boolean }): WarningPoster {
  return {
    async postWarning({ decision, text, report, channel, lang }) {
      const t = catalogFor(lang);
      const mute: SlackButton = { actionId: ACTION_IDS.muteWarnings, text: t.slack.buttonMute, value: '1h' };
      const message = reportToSlack(report, lang, {
        buttons: [...fixFirst(options.remediation ? proposeButtons(report, lang) : [], reportButtons('status', lang)), mute],
        context: [escapeMrkdwn(text)],
      });
      const thread = decision.kind === 'post-in-thread' && decision.threadTs ? { thread_ts: decision.threadTs } : {};
      const posted = await client.chat.postMessage({ channel, ...thread, ...message, text: `${text}\n${message.text}` });
      return posted.ts ? { ts: posted.ts } : null;
    },
  };
}

/** Plans a previous process left running, reconciled at start-up: their messages say what became of the targets. */
export async function showReconciledPlans(client: webApi.WebClient, plans: ReconciledPlan[], logger: Logger): Promise<void> {
  for (const { plan, message, outcome } of plans) {
    if (!message) continue;
    await client.chat
      .update({ channel: message.channel, ts: message.ts, ...reconciledMessage(plan, message.lang, outcome) })
      .catch((err: unknown) => logger.warn({ err, planId: plan.id }, 'could not update the message of a reconciled plan'));
  }
}
