import { catalogFor } from '../../../i18n/index.js';
import { slackFormatter, textToSlack } from '../../../render/block-kit.js';
import { escapeMrkdwn } from '../../../render/slack-mrkdwn.js';
import type { SlackDeps } from '../../serve-request.js';
import { refuseAction, type ActionArgs } from './report-button.js';

const MUTE_MS = 3_600_000;

/** "Mute 1h" on an early warning: no new warning for an hour (the daily summary still posts). */
export async function handleMuteWarnings({ ack, action, body, respond }: ActionArgs, deps: SlackDeps): Promise<void> {
  await ack();
  const userId = body.user.id;
  const lang = deps.languages.get(userId);
  if (action.type !== 'button' || action.value !== '1h' || !deps.muteWarnings) {
    await refuseAction({ respond, userId, actionId: action.action_id }, deps);
    return;
  }
  const until = new Date(deps.context.now().getTime() + MUTE_MS);
  deps.muteWarnings(until);
  deps.logger.info({ user: userId, until }, 'early warnings muted');
  const f = slackFormatter(lang, deps.timeZone);
  await respond({
    response_type: 'ephemeral',
    replace_original: false,
    ...textToSlack([escapeMrkdwn(catalogFor(lang).slack.muted({ until: f.dateTime(until.toISOString()) }, f))], lang),
  });
}
