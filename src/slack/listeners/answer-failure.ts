import type { RespondFn } from '@slack/bolt';
import { catalogFor } from '../../i18n/index.js';
import { textToSlack } from '../../render/block-kit.js';
import { escapeMrkdwn } from '../../render/slack-mrkdwn.js';
import type { SlackDeps } from '../serve-request.js';

/**
 * The one catch around every listener: whatever a handler throws is logged with its context and
 * the user hears, ephemerally, that nothing was changed. Handlers themselves do not catch.
 */
export async function withOneCatch<A extends { respond: RespondFn }>(
  args: A,
  deps: SlackDeps,
  context: Record<string, unknown>,
  handler: (args: A, deps: SlackDeps) => Promise<void>,
): Promise<void> {
  try {
    await handler(args, deps);
  } catch (err) {
    deps.logger.error({ err, ...context }, 'slack request failed');
    const lang = typeof context.user === 'string' ? deps.languages.get(context.user) : deps.config.lang;
    await args
      .respond({ response_type: 'ephemeral', replace_original: false, ...textToSlack([escapeMrkdwn(catalogFor(lang).slack.failed)], lang) })
      .catch(() => {});
  }
}
