import type { UndoScalePlan } from '../actions/remediation-plan.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import { planTitle } from '../render/action-document.js';
import { slackFormatter, textToSlack, type SlackMessage } from '../render/block-kit.js';
import { escapeMrkdwn } from '../render/slack-mrkdwn.js';
import { ACTION_IDS } from './slack-constants.js';

/**
 * Issue #13: in the thread after a scale-down, the way back. The button carries only the stored
 * Undo plan's id; its click goes through the same approval as any plan (handleApprovePlan).
 */
export function undoOfferMessage(plan: UndoScalePlan, lang: Lang, timeZone?: string): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang, timeZone);
  const title = planTitle(plan, t, f);
  return textToSlack(
    [
      `:leftwards_arrow_with_hook: ${escapeMrkdwn(t.action.undoOffer({ services: plan.services.map((s) => ({ name: s.name, to: s.to })), at: f.dateTime(plan.expiresAt) }, f))}`,
    ],
    lang,
    [
      {
        actionId: ACTION_IDS.undoScale,
        text: t.action.buttonUndo,
        value: plan.id,
        confirm: { title: t.action.confirmTitle, text: title, confirm: t.action.confirmYes, deny: t.action.confirmNo },
      },
    ],
  );
}
