import type { Config } from '../config.js';

/**
 * Who may use dbpool, by Slack IDs only (names can be changed by their owners):
 * an empty channel list allows any channel; with users listed only they may, in an allowed channel.
 */
export function isAllowed(
  slack: Pick<Config['slack'], 'allowedChannels' | 'allowedUsers'>,
  who: { userId: string; channelId: string | undefined },
): boolean {
  const channelOk =
    slack.allowedChannels.length === 0 || (who.channelId !== undefined && slack.allowedChannels.includes(who.channelId));
  const userOk = slack.allowedUsers.length === 0 || slack.allowedUsers.includes(who.userId);
  return channelOk && userOk;
}
