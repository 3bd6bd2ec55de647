import type { App } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { waitAfter, type ReconnectPolicy } from './socket-mode-connection.js';
import { tokenRefusal } from './token-refusal.js';

/**
 * Bolt's init (built with deferInitialization): auth.test with SLACK_BOT_TOKEN, whose result every
 * request's authorization uses. Left to the constructor, a refused token shows only as Bolt's error
 * lines; here it stops start-up naming the variable, and an unreachable Slack is retried with the
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
      const refused = tokenRefusal(err, 'SLACK_BOT_TOKEN');
      if (refused) throw refused;
      const code = (err as { data?: { error?: unknown } }).data?.error;
      failures++;
      const waitMs = waitAfter(policy, failures);
      logger.info({ attempt: failures, reason: typeof code === 'string' ? code : (err as Error).message, retryInMs: waitMs }, 'Slack did not answer auth.test: retrying');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, waitMs);
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve()), { once: true });
      });
    }
  }
  return false;
}
