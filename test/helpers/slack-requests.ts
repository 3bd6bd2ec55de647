/**
 * Requests to Bolt's HTTP receiver, signed exactly as Slack signs them:
 * `v0=` + hex HMAC-SHA256(signing secret, `v0:` + timestamp + `:` + raw body).
 */
import { createHmac } from 'node:crypto';

export interface SentRequest {
  status: number;
  body: string;
  /** Until the response headers arrived: the ack, as Slack measures it. */
  ms: number;
}

export interface SignOptions {
  /** Unix seconds; default now. */
  timestamp?: number;
  /** Sign with another secret (a forged request). */
  secret?: string;
}

export function sign(secret: string, timestamp: number, rawBody: string): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${rawBody}`).digest('hex');
}

export async function postSigned(url: string, secret: string, rawBody: string, contentType: string, o: SignOptions = {}): Promise<SentRequest> {
  const timestamp = o.timestamp ?? Math.floor(Date.now() / 1000);
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': contentType,
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': sign(o.secret ?? secret, timestamp, rawBody),
    },
    body: rawBody,
  });
  const ms = performance.now() - started;
  return { status: res.status, body: await res.text(), ms };
}

/** A slash command payload as Slack documents it (form-encoded). */
export function slashCommandBody(fields: { text: string; user_id?: string; channel_id?: string; response_url: string; trigger_id?: string }): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0TEST',
    team_domain: 'example',
    enterprise_id: '',
    enterprise_name: '',
    channel_id: fields.channel_id ?? 'C0INCIDENT',
    channel_name: 'incident',
    user_id: fields.user_id ?? 'U0ONCALL',
    user_name: 'oncall',
    command: '/dbpool',
    text: fields.text,
    response_url: fields.response_url,
    trigger_id: fields.trigger_id ?? '13345224609.738474920.8088930838d88f008e0',
    api_app_id: 'A0DBPOOL',
  }).toString();
}

export function sendSlashCommand(
  eventsUrl: string,
  secret: string,
  fields: Parameters<typeof slashCommandBody>[0],
  o: SignOptions = {},
): Promise<SentRequest> {
  return postSigned(eventsUrl, secret, slashCommandBody(fields), 'application/x-www-form-urlencoded', o);
}

/** A block_actions payload as Slack documents it, for a button on a message the bot posted. */
export function blockActionPayload(fields: {
  actionId: string;
  value: string;
  user_id?: string;
  channel_id?: string;
  message_ts: string;
  /** A button on a reply in a thread: the thread's parent. */
  thread_ts?: string;
  response_url: string;
}): Record<string, unknown> {
  const channel = fields.channel_id ?? 'C0INCIDENT';
  const thread = fields.thread_ts ? { thread_ts: fields.thread_ts } : {};
  return {
    type: 'block_actions',
    user: { id: fields.user_id ?? 'U0ONCALL', username: 'oncall', name: 'oncall', team_id: 'T0TEST' },
    api_app_id: 'A0DBPOOL',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: fields.message_ts, channel_id: channel, is_ephemeral: false, ...thread },
    trigger_id: '13345224609.738474920.8088930838d88f008e0',
    team: { id: 'T0TEST', domain: 'example' },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: channel, name: 'incident' },
    message: { type: 'message', user: 'U0BOT', ts: fields.message_ts, ...thread, bot_id: 'B0BOT', text: 'report', blocks: [] },
    state: { values: {} },
    response_url: fields.response_url,
    actions: [
      {
        action_id: fields.actionId,
        block_id: 'Wz8a',
        text: { type: 'plain_text', text: 'Refresh', emoji: true },
        value: fields.value,
        type: 'button',
        action_ts: `${Math.floor(Date.now() / 1000)}.000300`,
      },
    ],
  };
}

export function sendBlockAction(
  eventsUrl: string,
  secret: string,
  fields: Parameters<typeof blockActionPayload>[0],
  o: SignOptions = {},
): Promise<SentRequest> {
  const body = new URLSearchParams({ payload: JSON.stringify(blockActionPayload(fields)) }).toString();
  return postSigned(eventsUrl, secret, body, 'application/x-www-form-urlencoded', o);
}
