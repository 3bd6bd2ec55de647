/**
 * Every call to Slack's Web API is bounded by the client's deadline, the answer's body included: a
 * Slack API that sends its headers and then nothing more fails the call, as one that never answers does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createSlackConnection } from '../../src/slack/slack-client.js';
import { startSlackApiServer, type SlackApiServer } from '../helpers/slack-api-server.js';

describe('the bounded Slack client', () => {
  let api: SlackApiServer;
  beforeAll(async () => {
    api = await startSlackApiServer();
  });
  afterAll(() => api.close());

  const connect = () =>
    createSlackConnection(loadConfig({ SLACK_BOT_TOKEN: 'xoxb-test', SLACK_API_URL: api.apiUrl }), silentLogger(), { timeoutMs: 300, retryConfig: { retries: 0 } });

  it('gives up on an answer whose body stalls, at the deadline', async () => {
    const release = api.hangBody('chat.postMessage');
    try {
      // The deadline's own reason: it, not the stand-in, ended the call.
      await expect(connect().client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toMatchObject({ name: 'TimeoutError' });
    } finally {
      release();
    }
  });

  it('gives up on a call that gets no answer at all, and says so on /healthz', async () => {
    const release = api.hang('chat.postMessage');
    const slack = connect();
    try {
      await expect(slack.client.chat.postMessage({ channel: 'C1', text: 'x' })).rejects.toThrow();
      expect(slack.health()).toMatchObject({ ok: false, error: 'no answer within 300 ms', pending: 0 });
    } finally {
      release();
    }
  });

  it('answers as usual otherwise', async () => {
    const slack = connect();
    await expect(slack.client.chat.postMessage({ channel: 'C1', text: 'x' })).resolves.toMatchObject({ ok: true });
    expect(slack.health()).toMatchObject({ ok: true, pending: 0 });
  });
});
