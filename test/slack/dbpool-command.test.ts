import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi, type SlashCommand } from '@slack/bolt';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { handleDbpoolCommand } from '../../src/slack/listeners/commands/dbpool-command.js';
import type { UserLanguageStore } from '../../src/slack/user-language-store.js';
import { startSlackApiServer, type SlackApiServer } from '../helpers/slack-api-server.js';

/** The handler is a plain function: called directly, with a real WebClient on the recording server. */
describe('handleDbpoolCommand', () => {
  let api: SlackApiServer;
  beforeAll(async () => {
    api = await startSlackApiServer();
  });
  afterAll(async () => api?.close());

  it('acks before anything else, even before authorization and parsing', async () => {
    const order: string[] = [];
    const config = loadConfig({ DBPOOL_ALLOWED_USERS: 'U0LEAD' });
    const languages: UserLanguageStore = { get: () => 'en', set: async () => {} };
    const command = { user_id: 'U0ONCALL', channel_id: 'C0INCIDENT', text: 'status', command: '/dbpool' } as SlashCommand;
    await handleDbpoolCommand(
      {
        ack: async () => void order.push('ack'),
        command,
        respond: async (m) => {
          order.push(`respond:${typeof m === 'string' ? m : m.response_type}`);
          return { ok: true } as never;
        },
        client: new webApi.WebClient('xoxb-test', { slackApiUrl: api.apiUrl }),
      },
      {
        config,
        context: { config, sources: null, now: () => new Date(), remediation: null, requester: { kind: 'slack', id: 'U0ONCALL' } },
        languages,
        logger: silentLogger(),
      },
    );
    expect(order).toEqual(['ack', 'respond:ephemeral']);
    expect(api.calls).toEqual([]);
  });
});
