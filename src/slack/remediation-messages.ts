import type { ExecutionOutcome } from '../actions/execute-plan.js';
import type { ApprovalResult, Verification } from '../actions/remediation-flow.js';
import type { RemediationPlan, UndoScalePlan } from '../actions/remediation-plan.js';
import type { Report } from '../core/report.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import { outcomeLines, planLines, planTitle, refusalLines, verificationLines } from '../render/action-document.js';
import { slackFormatter, textToSlack, type SlackButton, type SlackMessage } from '../render/block-kit.js';
import { escapeMrkdwn, plainCode, slackMention } from '../render/slack-mrkdwn.js';
import { encodeButtonValue } from './button-value.js';
import { ACTION_IDS } from './slack-constants.js';

const MAX_LINES = 15;

/** Under a report: one button per fix dbpool can carry out. They only propose; nothing runs on this click. */
export function proposeButtons(report: Report, lang: Lang): SlackButton[] {
  const t = catalogFor(lang);
  const f = slackFormatter(lang);
  const buttons: SlackButton[] = [];
  // One plan covers every extra instance: services scaled (issue #13) and containers stopped.
  const stop = report.recommendations.filter((r) => r.action === 'stop_extra');
  for (const r of report.recommendations) {
    if (r.action === 'terminate_idle' && r.code === 'terminate_idle') {
      buttons.push({
        actionId: ACTION_IDS.proposeTerminateIdle,
        text: t.action.buttonTerminate({ count: r.params.count }, f),
        value: encodeButtonValue({ command: `terminate-idle --minutes ${r.params.minutes}`, lang }),
      });
    } else if (r === stop[0]) {
      const count = report.stopCandidates.length;
      buttons.push({
        actionId: ACTION_IDS.proposeStopExtra,
        text: stop.every((x) => x.code === 'scale_down_service') ? t.action.buttonScale({ count }, f) : t.action.buttonStop({ count }, f),
        value: encodeButtonValue({ command: 'stop-extra', lang }),
      });
    }
  }
  return buttons;
}

/** A proposed plan: exactly what will be touched, the Approve button (danger, with confirm) and Cancel. */
export function approvalMessage(plan: RemediationPlan, lang: Lang, requesterId: string, timeZone?: string): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang, timeZone);
  const title = planTitle(plan, t, f);
  const buttons: SlackButton[] = [
    {
      actionId: ACTION_IDS.approvePlan,
      text: t.slack.buttonApprove,
      value: plan.id,
      style: 'danger',
      // The confirm dialog is plain text: no backticks, identifiers isolated in Persian.
      confirm: { title: t.action.confirmTitle, text: plainCode(title, t.dir === 'rtl'), confirm: t.action.confirmYes, deny: t.action.confirmNo },
    },
    { actionId: ACTION_IDS.cancelPlan, text: t.action.buttonCancel, value: plan.id },
  ];
  return textToSlack(
    [
      `:warning: *${escapeMrkdwn(title)}*`,
      ...planLines(plan, t, f, MAX_LINES).map((l) => `• ${escapeMrkdwn(l)}`),
      escapeMrkdwn(t.action.expiresAt({ at: f.dateTime(plan.expiresAt) }, f)),
      // The mention is mrkdwn already; the catalog sentence has no characters to escape.
      t.slack.approvalHint({ user: slackMention(requesterId) }, f),
    ],
    lang,
    buttons,
  );
}

/** `--dry-run`: what the plan would touch, and that nothing was done; no button to approve it. */
export function dryRunMessage(plan: RemediationPlan, lang: Lang, timeZone?: string): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang, timeZone);
  return textToSlack(
    [`*${escapeMrkdwn(planTitle(plan, t, f))}*`, ...planLines(plan, t, f, MAX_LINES).map((l) => `• ${escapeMrkdwn(l)}`), escapeMrkdwn(t.action.dryRun)],
    lang,
  );
}

/** The same message once a plan is taken: no buttons, who approved and when. */
export function approvedMessage(plan: RemediationPlan, lang: Lang, approverId: string, at: Date, timeZone?: string, result?: ApprovalResult): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang, timeZone);
  const lines = [
    `*${escapeMrkdwn(planTitle(plan, t, f))}*`,
    t.action.approvedBy({ who: slackMention(approverId), at: f.dateTime(at.toISOString()) }, f),
  ];
  if (!result) lines.push(escapeMrkdwn(t.slack.running));
  else if (result.ok) lines.push(...outcomeLines(result.outcome, t, f, MAX_LINES).map(escapeMrkdwn));
  else lines.push(...refusalLines(result, t, f).map((l) => `:x: ${escapeMrkdwn(l)}`));
  return textToSlack(lines, lang);
}

/** A plan dbpool was running when it stopped, as found at the next start: what became of its targets. */
export function reconciledMessage(plan: RemediationPlan, lang: Lang, outcome: ExecutionOutcome | null, timeZone?: string): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang, timeZone);
  const lines = [`*${escapeMrkdwn(planTitle(plan, t, f))}*`, escapeMrkdwn(t.action.reconciled)];
  lines.push(...(outcome ? outcomeLines(outcome, t, f, MAX_LINES) : [t.action.verifySkipped.failed]).map(escapeMrkdwn));
  return textToSlack(lines, lang);
}

export function cancelledMessage(plan: RemediationPlan, lang: Lang, userId: string): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang);
  return textToSlack(
    [`~${escapeMrkdwn(planTitle(plan, t, f))}~`, t.action.cancelledBy({ who: slackMention(userId) }, f)],
    lang,
  );
}

export function verificationMessage(v: Verification, lang: Lang): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang);
  return textToSlack([`*${escapeMrkdwn(t.action.verifyTitle)}*`, ...verificationLines(v, t, f).map(escapeMrkdwn)], lang);
}

/**
 * In the thread after a scale-down, the way back (issue #13). The button carries only the stored
 * Undo plan's id; its click is an approval like any plan's (handleApprovePlan), behind the same gate.
 */
export function undoOfferMessage(plan: UndoScalePlan, lang: Lang, timeZone?: string): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang, timeZone);
  const services = plan.services.map((s) => ({ name: s.name, to: s.to }));
  return textToSlack(
    [`:leftwards_arrow_with_hook: ${escapeMrkdwn(t.action.undoOffer({ services, at: f.dateTime(plan.expiresAt) }, f))}`],
    lang,
    [
      {
        actionId: ACTION_IDS.undoScale,
        text: t.action.buttonUndo,
        value: plan.id,
        confirm: { title: t.action.confirmTitle, text: plainCode(planTitle(plan, t, f), t.dir === 'rtl'), confirm: t.action.confirmYes, deny: t.action.confirmNo },
      },
    ],
  );
}
