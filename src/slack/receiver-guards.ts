import type { HTTPReceiver, ReceiverProcessEventErrorHandlerArgs } from '@slack/bolt';
import type { Logger } from '../logger.js';
import { recordRefusal, requestOrigin, type GateDeps } from './authorize-request.js';

/** Slack signs the time of each request; Bolt refuses those older than five minutes. */
const MAX_AHEAD_SECONDS = 5 * 60;

/**
 * Refuses requests stamped more than five minutes ahead (HTTP 401), as Bolt refuses those five
 * minutes old: a signed request kept for later replay is as stale one way as the other.
 */
export function refuseFutureRequests(receiver: HTTPReceiver, logger: Logger): HTTPReceiver {
  const listener = receiver.requestListener;
  receiver.requestListener = (req, res) => {
    const stamp = Number(req.headers['x-slack-request-timestamp']);
    if (Number.isFinite(stamp) && stamp > Date.now() / 1000 + MAX_AHEAD_SECONDS) {
      logger.warn({ timestamp: stamp }, 'slack request refused: timestamp in the future');
      res.writeHead(401).end();
      return;
    }
    listener(req, res);
  };
  return receiver;
}

/**
 * A signed request Bolt cannot take apart (a block_actions payload without a user, say): answered
 * with a plain 200 so that Slack does not retry it, recorded as a refusal, and nothing runs.
 */
export function answerUnprocessable(gate: Pick<GateDeps, 'audit' | 'now' | 'logger'>): (args: ReceiverProcessEventErrorHandlerArgs) => Promise<boolean> {
  return async ({ error, request, response }) => {
    if (response.headersSent) return false;
    const raw = (request as { rawBody?: Buffer }).rawBody?.toString() ?? '';
    const { userId, what } = requestOrigin(payloadOf(raw));
    gate.logger.warn({ err: error.message, user: userId, what }, 'slack request refused: Bolt could not process it');
    recordRefusal(gate, userId, userId === undefined ? 'no_user' : 'unprocessable', { what });
    response.writeHead(200).end();
    return true;
  };
}

function payloadOf(raw: string): unknown {
  try {
    const form = new URLSearchParams(raw);
    const payload = form.get('payload');
    return payload ? JSON.parse(payload) : Object.fromEntries(form);
  } catch {
    return null;
  }
}
