import type { AnyMiddlewareArgs, Middleware, RespondFn } from '@slack/bolt';
import type { AuditLog } from '../actions/audit-log.js';
import type { Config } from '../config.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { textToSlack } from '../render/block-kit.js';
import { escapeMrkdwn } from '../render/slack-mrkdwn.js';

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

export interface GateDeps {
  config: Pick<Config, 'slack'>;
  /** Where refusals are recorded; null without a state store (then only logged). */
  audit: Pick<AuditLog, 'record'> | null;
  languageOf: (userId: string) => Lang;
  now: () => Date;
  logger: Logger;
}

/** Who sent a slash command or clicked a button, and where. */
export function requestOrigin(body: unknown): { userId: string | undefined; channelId: string | undefined; what: string } {
  const b = (body ?? {}) as {
    user_id?: string;
    channel_id?: string;
    command?: string;
    user?: { id?: string };
    channel?: { id?: string };
    container?: { channel_id?: string };
    actions?: { action_id?: string }[];
  };
  if (b.command !== undefined) return { userId: b.user_id, channelId: b.channel_id, what: b.command };
  return { userId: b.user?.id, channelId: b.channel?.id ?? b.container?.channel_id, what: String(b.actions?.[0]?.action_id ?? '').slice(0, 255) };
}

/**
 * The one gate before every listener (Bolt global middleware): a request from a user or channel not
 * allowed is acked, answered ephemerally and recorded in the audit; no listener runs, so a new
 * listener cannot forget the check.
 */
export function authorizeEveryRequest(deps: GateDeps): Middleware<AnyMiddlewareArgs> {
  return async (args) => {
    const { userId, channelId, what } = requestOrigin(args.body);
    if (userId !== undefined && isAllowed(deps.config.slack, { userId, channelId })) {
      await args.next();
      return;
    }
    const reason = userId === undefined ? 'no_user' : 'not_allowed';
    const { ack, respond } = args as { ack?: () => Promise<void>; respond?: RespondFn };
    await ack?.();
    deps.logger.warn({ user: userId, channel: channelId, what }, `slack request refused: ${reason}`);
    recordRefusal(deps, userId, reason, { channel: channelId ?? null, what });
    if (userId !== undefined && respond) {
      const lang = deps.languageOf(userId);
      await respond({ response_type: 'ephemeral', replace_original: false, ...textToSlack([escapeMrkdwn(catalogFor(lang).slack.notAllowed)], lang) }).catch(
        (err: unknown) => deps.logger.warn({ err }, 'could not tell the user the request was refused'),
      );
    }
  };
}

/** Every refusal goes into the audit (the README promises it), not only into the log. */
export function recordRefusal(deps: Pick<GateDeps, 'audit' | 'now' | 'logger'>, userId: string | undefined, reason: string, detail: Record<string, unknown>): void {
  try {
    deps.audit?.record('refused', { at: deps.now(), actor: userId ? `slack:${userId}` : undefined, detail: { reason, ...detail } });
  } catch (err) {
    deps.logger.error({ err }, 'could not record a refusal');
  }
}
