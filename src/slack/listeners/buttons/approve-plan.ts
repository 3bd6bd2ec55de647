import type { RemediationFlow } from '../../../actions/remediation-flow.js';
import type { Actor, UndoScalePlan } from '../../../actions/remediation-plan.js';
import type { Catalog } from '../../../i18n/catalog.js';
import { catalogFor, type Lang } from '../../../i18n/index.js';
import { slackFormatter, textToSlack, type SlackMessage } from '../../../render/block-kit.js';
import { escapeMrkdwn } from '../../../render/slack-mrkdwn.js';
import { refusalLines } from '../../../render/action-document.js';
import { approvedMessage, cancelledMessage, undoOfferMessage, verificationMessage } from '../../remediation-messages.js';
import { slackFailure, type SlackDeps } from '../../serve-request.js';
import { refuseAction, type ActionArgs } from './report-button.js';

/** A plan id as newPlanId() makes it: 16 random bytes, base64url. Anything else is not ours. */
const PLAN_ID = /^[A-Za-z0-9_-]{22}$/;

interface Click {
  userId: string;
  channelId: string;
  ts: string;
  /** The thread the message is in (an Undo offer is a reply), else the message itself. */
  threadTs: string;
  planId: string;
  lang: Lang;
  actor: Actor;
}

/**
 * Common reading of Approve and Cancel: a well-formed id on a message, the user as an actor, and the
 * remediation flow (said to be unavailable when there is none). Null when the click was answered here.
 */
async function readClick(args: ActionArgs, deps: SlackDeps): Promise<(Click & { flow: RemediationFlow; t: Catalog }) | null> {
  const click = await readIds(args, deps);
  if (!click) return null;
  const t = catalogFor(click.lang);
  const flow = deps.context.remediation;
  if (!flow) {
    await say(args, t.action.refused.state_unavailable, click.lang);
    return null;
  }
  return { ...click, flow, t };
}

async function readIds({ action, body, respond }: ActionArgs, deps: SlackDeps): Promise<Click | null> {
  const userId = body.user.id;
  const channelId = body.channel?.id ?? body.container?.channel_id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  const planId = action.type === 'button' ? action.value : undefined;
  if (!planId || !PLAN_ID.test(planId) || !channelId || !ts) {
    await refuseAction({ respond, userId, actionId: action.action_id }, deps);
    return null;
  }
  // Members of DBPOOL_APPROVER_GROUP approve and cancel too: read from memory, refreshed in the background.
  const inApproverGroup = deps.config.remediation.approvers.includes(userId) ? false : await deps.approverGroup.includes(userId);
  const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts ?? ts;
  return { userId, channelId, ts, threadTs, planId, lang: deps.languages.get(userId), actor: { kind: 'slack', id: userId, inApproverGroup } };
}

/**
 * The confirm click, on a proposed plan or on an Undo offer (the same approval). The flow runs the
 * action at once and never waits for Slack; this only renders: "running" when the plan is taken,
 * the outcome when it is done, a scale-down's Undo offer and the check after it in the thread.
 */
export async function handleApprovePlan(args: ActionArgs, deps: SlackDeps): Promise<void> {
  await args.ack();
  const click = await readClick(args, deps);
  if (!click) return;
  const { flow, t } = click;
  const update = (message: SlackMessage) => args.client.chat.update({ channel: click.channelId, ts: click.ts, ...message });
  const approvedAt = deps.context.now();
  let shown: Promise<unknown> = Promise.resolve();
  const result = await flow.approve(click.planId, click.actor, (plan) => {
    shown = update(approvedMessage(plan, click.lang, click.userId, approvedAt, deps.timeZone));
  });
  deps.logger.info({ planId: click.planId, user: click.userId, ok: result.ok, reason: result.ok ? undefined : result.reason }, 'approval handled');
  if (!result.ok && result.reason !== 'execution_failed') {
    return say(args, refusalLines(result, t, slackFormatter(click.lang)).join('\n'), click.lang);
  }
  if (!result.plan) return;
  // Slack's messages follow the action, in order, whenever Slack answers.
  await shown.catch((err: unknown) => deps.logger.warn({ err: slackFailure(err) }, 'could not show the approval'));
  await update(approvedMessage(result.plan, click.lang, click.userId, approvedAt, deps.timeZone, result)).catch((err: unknown) =>
    deps.logger.error({ err: slackFailure(err), planId: click.planId }, 'could not show the outcome of the action'),
  );
  if (!result.ok) return;
  if (result.undo) await offerUndo(args, deps, click, result.undo);
  const verification = await result.verification;
  await args.client.chat
    .postMessage({ channel: click.channelId, thread_ts: click.threadTs, ...verificationMessage(verification, click.lang) })
    .catch((err: unknown) => deps.logger.error({ err: slackFailure(err), planId: click.planId }, 'could not post the check after the action'));
}

/** The Undo of a scale-down, in the thread; kept with the plan so that a restart can update it. */
async function offerUndo(args: ActionArgs, deps: SlackDeps, click: Click, undo: UndoScalePlan): Promise<void> {
  try {
    const posted = await args.client.chat.postMessage({ channel: click.channelId, thread_ts: click.threadTs, ...undoOfferMessage(undo, click.lang, deps.timeZone) });
    if (posted.ts) deps.context.remediation?.attachMessage(undo.id, { channel: click.channelId, ts: posted.ts, lang: click.lang });
  } catch (err) {
    deps.logger.error({ err: slackFailure(err), planId: undo.id }, 'could not offer the undo');
  }
}

/** Cancel on a proposed plan: by whoever asked for it, or an approver (by ID or group). */
export async function handleCancelPlan(args: ActionArgs, deps: SlackDeps): Promise<void> {
  await args.ack();
  const click = await readClick(args, deps);
  if (!click) return;
  const { flow, t } = click;
  const result = flow.cancel(click.planId, click.actor);
  if (!result.ok) return say(args, t.action.refused[result.reason], click.lang);
  await args.client.chat.update({ channel: click.channelId, ts: click.ts, ...cancelledMessage(result.plan, click.lang, click.userId) });
}

async function say({ respond }: ActionArgs, text: string, lang: Lang): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, ...textToSlack([escapeMrkdwn(text)], lang) });
}
