import type { AllMiddlewareArgs, SlackCommandMiddlewareArgs } from '@slack/bolt';
import { catalogFor } from '../../../i18n/index.js';
import { textToSlack } from '../../../render/block-kit.js';
import { escapeMrkdwn } from '../../../render/slack-mrkdwn.js';
import { serveRequest, type SlackDeps } from '../../serve-request.js';

export type CommandArgs = Pick<SlackCommandMiddlewareArgs & AllMiddlewareArgs, 'ack' | 'command' | 'respond' | 'client'>;

/** `/dbpool …`: ack at once (Slack gives 3 seconds), then the shared steps. */
export async function handleDbpoolCommand({ ack, command, respond, client }: CommandArgs, deps: SlackDeps): Promise<void> {
  await ack();
  try {
    await serveRequest({ userId: command.user_id, channelId: command.channel_id, text: command.text ?? '', respond, client }, deps);
  } catch (err) {
    deps.logger.error({ err, user: command.user_id, channel: command.channel_id, text: command.text?.slice(0, 200) }, '/dbpool failed');
    const lang = deps.languages.get(command.user_id);
    await respond({ response_type: 'ephemeral', ...textToSlack([escapeMrkdwn(catalogFor(lang).slack.failed)], lang) }).catch(() => {});
  }
}
