import { decodeButtonValue } from '../../button-value.js';
import { serveRequest, type SlackDeps } from '../../serve-request.js';
import { ACTION_IDS } from '../../slack-constants.js';
import { refuseAction, type ActionArgs } from './report-button.js';

const COMMAND_OF: Record<string, string> = {
  [ACTION_IDS.proposeTerminateIdle]: 'terminate-idle',
  [ACTION_IDS.proposeStopExtra]: 'stop-extra',
};

/** "Terminate N idle sessions" / "Stop N extra instances" under a report: posts the plan for approval, runs nothing. */
export async function handleProposeRemediation({ ack, action, body, respond, client }: ActionArgs, deps: SlackDeps): Promise<void> {
  await ack();
  const userId = body.user.id;
  const channelId = body.channel?.id ?? body.container?.channel_id;
  const ts = body.container?.message_ts ?? body.message?.ts;
  const value = action.type === 'button' ? decodeButtonValue(action.value) : null;
  if (!value || value.command.split(' ')[0] !== COMMAND_OF[action.action_id] || !channelId || !ts) {
    await refuseAction({ respond, userId, actionId: action.action_id }, deps);
    return;
  }
  await serveRequest({ userId, channelId, text: value.command, lang: value.lang, message: { channel: channelId, ts }, respond, client }, deps);
}
