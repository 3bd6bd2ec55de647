import type { Actor } from '../../../actions/remediation-plan.js';
import type { Report } from '../../../core/report.js';
import { diagnose } from '../../../diagnosis/diagnose.js';
import { catalogFor, type Lang } from '../../../i18n/index.js';
import { textToSlack } from '../../../render/block-kit.js';
import { escapeMrkdwn } from '../../../render/slack-mrkdwn.js';
import { isAllowed } from '../../authorize-request.js';
import { convergenceTargets, diagnoseAfterAction } from '../../../actions/await-convergence.js';
import { approvedMessage, cancelledMessage, verificationMessage } from '../../remediation-messages.js';
import { undoOfferMessage } from '../../undo-offer.js';
import type { SlackDeps } from '../../serve-request.js';
import { refuseAction, type ActionArgs } from './report-button.js';

/** A plan id as newPlanId() makes it: 16 random bytes, base64url. Anything else is not ours. */
const PLAN_ID = /^[A-Za-z0-9_-]{22}$/;

interface Click {
  userId: string;
  channelId: string;
  ts: string;
  planId: string;
  lang: Lang;
}

/** Common checks of Approve and Cancel: a well-formed id, a message, an allowed user and channel. */
async function readClick({ action, body, respond }: ActionArgs, deps: SlackDeps): Promise<Click | null> {
  const userId = body.user.id;
  const channelId = body.channel?.id ?? body.container?.channel_id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  const planId = action.type === 'button' ? action.value : undefined;
  const lang = deps.languages.get(userId);
  if (!planId || !PLAN_ID.test(planId) || !channelId || !ts) {
    await refuseAction({ respond, userId, actionId: action.action_id }, deps);
    return null;
  }
  if (!isAllowed(deps.config.slack, { userId, channelId })) {
    deps.logger.warn({ user: userId, channel: channelId }, 'approval refused: user or channel not allowed');
    await say(respond, catalogFor(lang).slack.notAllowed, lang);
    return null;
  }
  return { userId, channelId, ts, planId, lang };
}

async function say(respond: ActionArgs['respond'], text: string, lang: Lang): Promise<void> {
  await respond({ response_type: 'ephemeral', replace_original: false, ...textToSlack([escapeMrkdwn(text)], lang) });
}

/** The confirm click. Every guard is the server's: Slack's dialog only asked whoever clicked. */
export async function handleApprovePlan(args: ActionArgs, deps: SlackDeps): Promise<void> {
  await args.ack();
  const click = await readClick(args, deps);
  if (!click) return;
  const { client, respond } = args;
  const { userId, channelId, ts, planId, lang } = click;
  const t = catalogFor(lang);
  const remediation = deps.context.remediation;
  if (!remediation) return say(respond, t.action.refused.state_unavailable, lang);
  const actor: Actor = { kind: 'slack', id: userId, inApproverGroup: await inApproverGroup(args, deps, userId) };
  const sources = deps.context.sources;
  // What the runbook's "after the changes" compares against: taken once the plan is ours and
  // before it runs, so refused clicks cost no diagnosis.
  const taken: { before: Report | null } = { before: null };
  const result = await remediation.approve(planId, actor, {
    onClaimed: async (plan, at) => {
      await client.chat.update({ channel: channelId, ts, ...approvedMessage(plan, lang, userId, at, deps.timeZone) });
      if (sources) taken.before = await diagnose(sources, deps.config, 'status');
    },
  });
  deps.logger.info({ planId, user: userId, ok: result.ok, reason: result.ok ? undefined : result.reason }, 'approval handled');
  if (!result.ok && result.reason !== 'execution_failed') {
    return say(respond, t.action.refused[result.reason], lang);
  }
  if (!result.plan) return;
  const approvedAt = result.ok ? new Date(result.approvedAt) : deps.context.now();
  await client.chat.update({ channel: channelId, ts, ...approvedMessage(result.plan, lang, userId, approvedAt, deps.timeZone, result) });
  // Issue #13: a scale-down offers its Undo in the thread, itself a plan to approve.
  if (result.ok && result.undo) {
    await client.chat.postMessage({ channel: channelId, thread_ts: ts, ...undoOfferMessage(result.undo, lang, deps.timeZone) });
  }
  const before = taken.before;
  if (result.ok && before && sources) {
    const delayMs = deps.config.remediation.verifyDelaySeconds * 1000;
    // After a scale, the check waits (bounded) for the orchestrator to converge.
    const targets = convergenceTargets(result.plan, result.outcome);
    const timeoutMs = deps.config.remediation.convergeTimeoutSeconds * 1000;
    setTimeout(() => {
      // Step 7 of the runbook: only log lines written since the approval count.
      diagnoseAfterAction(() => diagnose(sources, deps.config, 'status', { logsSince: approvedAt }), targets, { timeoutMs })
        .then(({ after, convergence }) =>
          client.chat.postMessage({ channel: channelId, thread_ts: ts, ...verificationMessage(before, after, lang, convergence) }),
        )
        .catch((err: unknown) => deps.logger.error({ err, planId }, 'verification after the action failed'));
    }, delayMs).unref();
  }
}

/** Members of DBPOOL_APPROVER_GROUP approve too; asked of Slack only when the user is not listed by ID. */
async function inApproverGroup({ client }: ActionArgs, deps: SlackDeps, userId: string): Promise<boolean> {
  const group = deps.config.remediation.approverGroup;
  if (!group || deps.config.remediation.approvers.includes(userId)) return false;
  try {
    const members = await client.usergroups.users.list({ usergroup: group });
    return members.users?.includes(userId) ?? false;
  } catch (err) {
    deps.logger.warn({ err, group }, 'could not read the approver group: treated as not a member');
    return false;
  }
}

/** Cancel on a proposed plan: by whoever asked for it, or an approver. */
export async function handleCancelPlan(args: ActionArgs, deps: SlackDeps): Promise<void> {
  await args.ack();
  const click = await readClick(args, deps);
  if (!click) return;
  const { userId, channelId, ts, planId, lang } = click;
  const t = catalogFor(lang);
  const remediation = deps.context.remediation;
  if (!remediation) return say(args.respond, t.action.refused.state_unavailable, lang);
  const stored = remediation.planFor(planId);
  if (!stored) return say(args.respond, t.action.refused.unknown_plan, lang);
  const mayCancel =
    (stored.plan.requestedBy.kind === 'slack' && stored.plan.requestedBy.id === userId) || deps.config.remediation.approvers.includes(userId);
  if (!mayCancel) return say(args.respond, t.slack.cannotCancel, lang);
  if (!remediation.cancel(planId, { kind: 'slack', id: userId })) return say(args.respond, t.action.refused.already_ran, lang);
  await args.client.chat.update({ channel: channelId, ts, ...cancelledMessage(stored.plan, lang, userId) });
}
