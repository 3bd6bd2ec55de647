import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webApi, type SlashCommand } from '@slack/bolt';
import { AuditLog } from '../../src/actions/audit-log.js';
import { loadConfig } from '../../src/config.js';
import { limitConcurrency } from '../../src/concurrency.js';
import { silentLogger } from '../../src/logger.js';
import { authorizeEveryRequest } from '../../src/slack/authorize-request.js';
import { handleDbpoolCommand } from '../../src/slack/listeners/commands/dbpool-command.js';
import type { SlackDeps } from '../../src/slack/serve-request.js';
import type { UserLanguageStore } from '../../src/slack/user-language-store.js';
import { openStateDb } from '../../src/state/state-store.js';
import { startSlackApiServer, type SlackApiServer } from '../helpers/slack-api-server.js';

const languages: UserLanguageStore = { get: () => 'en', set: async () => {} };

/** The handler and the gate are plain functions: called directly, with a real WebClient on the recording server. */
describe('handleDbpoolCommand and the gate before it', () => {
  let api: SlackApiServer;
  beforeAll(async () => {
    api = await startSlackApiServer();
  });
  afterAll(async () => api?.close());

  it('the handler acks before anything else, even before parsing', async () => {
    const order: string[] = [];
    const config = loadConfig({});
    const gate = { config, audit: null, languageOf: () => 'en' as const, now: () => new Date(), logger: silentLogger() };
    const deps: SlackDeps = {
      config,
      context: { config, diagnoser: null, now: () => new Date(), remediation: null, requester: { kind: 'slack', id: 'U0ONCALL' } },
      languages,
      logger: silentLogger(),
      approverGroup: { includes: async () => false },
      gate,
      limit: limitConcurrency(1),
    };
    const command = { user_id: 'U0ONCALL', channel_id: 'C0INCIDENT', text: 'status --frobnicate', command: '/dbpool' } as SlashCommand;
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
      deps,
    );
    expect(order).toEqual(['ack', 'respond:ephemeral']);
    expect(api.calls).toEqual([]);
  });

  it('the gate acks, answers and records a user who may not use dbpool; no listener runs', async () => {
    const order: string[] = [];
    const audit = new AuditLog(openStateDb(':memory:'), silentLogger());
    const gate = authorizeEveryRequest({ config: loadConfig({ DBPOOL_ALLOWED_USERS: 'U0LEAD' }), audit, languageOf: () => 'en', now: () => new Date(), logger: silentLogger() });
    const body = { user_id: 'U0ONCALL', channel_id: 'C0INCIDENT', text: 'status', command: '/dbpool' };
    await gate({
      body,
      ack: async () => void order.push('ack'),
      respond: async () => void order.push('respond'),
      next: async () => void order.push('listener'),
    } as never);
    expect(order).toEqual(['ack', 'respond']);
    expect(audit.latest(1)[0]).toMatchObject({ event: 'refused', actor: 'slack:U0ONCALL', detail: { reason: 'not_allowed', channel: 'C0INCIDENT', what: '/dbpool' } });
  });
});
