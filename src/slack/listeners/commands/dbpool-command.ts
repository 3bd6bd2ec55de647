import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { serveRequest, type SlackDeps } from '../../serve-request.js';

export type CommandArgs = Pick<SlackCommandMiddlewareArgs & AllMiddlewareArgs, 'ack' | 'command' | 'respond' | 'client'>;

/** `/dbpool …`: ack at once (Slack gives 3 seconds), then the shared steps. */
export async function handleDbpoolCommand({ ack, command, respond, client }: CommandArgs, deps: SlackDeps): Promise<void> {
  await ack();
  await serveRequest({ userId: command.user_id, channelId: command.channel_id, text: command.text ?? '', respond, client }, deps);
}
