import type { App } from '@slack/bolt';
import { ConfigError } from '../config.js';
import type { Logger } from '../logger.js';
import type { ReconnectPolicy } from './socket-mode-connection.js';

/** auth.test errors no retry mends. */
const REFUSED: Record<string, string> = {
  invalid_auth: 'the token is wrong or was revoked: copy the Bot User OAuth Token again (OAuth & Permissions)',
  not_authed: 'no token reached Slack',
  not_allowed_token_type: 'it must be the Bot User OAuth Token (xoxb-…)',
  token_revoked: 'the token was revoked: reinstall the app and copy its Bot User OAuth Token',
  token_expired: 'the token expired: reinstall the app and copy its Bot User OAuth Token',
  account_inactive: 'the app or its workspace is no longer active',
  team_disabled: 'the workspace is disabled',
};

/**
 * Bolt's init (built with deferInitialization): auth.test with SLACK_BOT_TOKEN, whose result every
 * request's authorization uses. Left to the constructor, a refused token is a rejection nobody
 * holds; here it stops start-up naming the variable, and an unreachable Slack is retried with the
 * Socket Mode backoff until it answers or `signal` aborts (a shutdown during start-up).
 * Resolves false when aborted.
 */
export async function initializeWithBotToken(app: App, logger: Logger, policy: ReconnectPolicy, signal: AbortSignal): Promise<boolean> {
  for (let failures = 0; !signal.aborted; ) {
    try {
      await app.init();
      return true;
    } catch (err) {
      if (signal.aborted) return false;
      const code = (err as { data?: { error?: unknown } }).data?.error;
      if (typeof code === 'string' && code in REFUSED) {
        throw new ConfigError([{ variable: 'SLACK_BOT_TOKEN', message: `Slack refused it (${code}): ${REFUSED[code]}` }]);
      }
      failures++;
      const waitMs = Math.min(policy.maxMs, policy.minMs * policy.factor ** (failures - 1));
      logger.info({ attempt: failures, reason: typeof code === 'string' ? code : (err as Error).message, retryInMs: waitMs }, 'Slack did not answer auth.test: retrying');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }
  return false;
}
