import type { App, BlockAction, SlackActionMiddlewareArgs, AllMiddlewareArgs } from '@slack/bolt';
import type { SlackDeps } from '../../serve-request.js';
import { ACTION_IDS, type ActionId } from '../../slack-constants.js';
import { handleApprovePlan, handleCancelPlan } from './approve-plan.js';
import { handleMuteWarnings } from './mute-warnings.js';
import { handleProposeRemediation } from './propose-remediation.js';
import { withOneCatch } from '../answer-failure.js';
import { handleReportButton, refuseAction, type ActionArgs } from './report-button.js';

type ActionHandler = (args: ActionArgs, deps: SlackDeps) => Promise<void>;

/** Every action_id dbpool puts on a message, and its handler. */
export const ACTION_HANDLERS: Record<ActionId, ActionHandler> = {
  [ACTION_IDS.refresh]: handleReportButton,
  [ACTION_IDS.showIdle]: handleReportButton,
  [ACTION_IDS.showInstances]: handleReportButton,
  [ACTION_IDS.switchLanguage]: handleReportButton,
  [ACTION_IDS.proposeTerminateIdle]: handleProposeRemediation,
  [ACTION_IDS.proposeStopExtra]: handleProposeRemediation,
  [ACTION_IDS.approvePlan]: handleApprovePlan,
  [ACTION_IDS.cancelPlan]: handleCancelPlan,
  // Issue #13: an Undo is a stored plan; its click is an approval with every guard.
  [ACTION_IDS.undoScale]: handleApprovePlan,
  [ACTION_IDS.muteWarnings]: handleMuteWarnings,
};

/** One listener for all block actions, so an unknown action_id is answered (and refused) too. */
export function registerButtons(app: App, deps: SlackDeps, track: <T>(work: Promise<T>) => Promise<T>): void {
  app.action<BlockAction>({ type: 'block_actions' }, (args: SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs) => {
    // Own keys only: an action_id like "toString" must not find Object.prototype's members.
    const id = args.action.action_id;
    const handler = Object.hasOwn(ACTION_HANDLERS, id) ? (ACTION_HANDLERS as Record<string, ActionHandler>)[id] : undefined;
    const context = { user: args.body.user.id, channel: args.body.channel?.id, action: id.slice(0, 255) };
    return track(withOneCatch(args, deps, context, handler ?? unknownButton));
  });
}

async function unknownButton(args: ActionArgs, deps: SlackDeps): Promise<void> {
  await args.ack();
  await refuseAction({ respond: args.respond, userId: args.body.user.id, actionId: args.action.action_id }, deps);
}
