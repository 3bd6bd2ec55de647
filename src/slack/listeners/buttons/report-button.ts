import type { AllMiddlewareArgs, BlockAction, SlackActionMiddlewareArgs } from '@slack/bolt';
import { catalogFor } from '../../../i18n/index.js';
import { textToSlack } from '../../../render/block-kit.js';
import { escapeMrkdwn } from '../../../render/slack-mrkdwn.js';
import { decodeButtonValue } from '../../button-value.js';
import { recordRefusal } from '../../authorize-request.js';
import { serveRequest, type SlackDeps } from '../../serve-request.js';
import { ACTION_IDS } from '../../slack-constants.js';

export type ActionArgs = Pick<SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs, 'ack' | 'action' | 'body' | 'respond' | 'client'>;

/** Buttons that always show one view, whatever else their value says. */
const FIXED_VIEW: Partial<Record<string, string>> = { [ACTION_IDS.showIdle]: 'idle', [ACTION_IDS.showInstances]: 'instances' };

/** Refresh, Show idle sessions, Show instances, Switch language: the slash command's steps, updating the message in place. */
export async function handleReportButton({ ack, action, body, respond, client }: ActionArgs, deps: SlackDeps): Promise<void> {
  await ack();
  const userId = body.user.id;
  const channelId = body.channel?.id ?? body.container?.channel_id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  const value = action.type === 'button' ? decodeButtonValue(action.value) : null;
  const fixed = FIXED_VIEW[action.action_id];
  const consistent = value !== null && (fixed === undefined || value.command.split(' ')[0] === fixed);
  if (!value || !consistent || !channelId || !ts) {
    await refuseAction({ respond, userId, actionId: action.action_id }, deps);
    return;
  }
  await serveRequest(
    { userId, channelId, text: value.command, lang: value.lang, message: { channel: channelId, ts }, respond, client, reportsOnly: true },
    deps,
  );
}

/** An unknown button or a value dbpool did not write: a clear ephemeral message, nothing runs. */
export async function refuseAction(
  { respond, userId, actionId }: { respond: ActionArgs['respond']; userId: string; actionId: string },
  deps: SlackDeps,
): Promise<void> {
  deps.logger.warn({ user: userId, action: actionId.slice(0, 255) }, 'unknown or tampered button refused');
  recordRefusal(deps.gate, userId, 'bad_action', { action: actionId.slice(0, 255) });
  const lang = deps.languages.get(userId);
  await respond({ response_type: 'ephemeral', replace_original: false, ...textToSlack([escapeMrkdwn(catalogFor(lang).slack.badAction)], lang) });
}
