import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ACTION_HANDLERS } from '../../src/slack/listeners/buttons/index.js';
import { makePlan } from '../../src/actions/remediation-plan.js';
import { buildReport } from '../../src/core/report.js';
import { approvalMessage, proposeButtons, undoOfferMessage } from '../../src/slack/remediation-messages.js';
import { createSlackWarningPoster } from '../../src/slack/scheduled-posts.js';
import { reportButtons } from '../../src/slack/report-buttons.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { ACTION_IDS, BOT_SCOPES, SLASH_COMMAND } from '../../src/slack/slack-constants.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Manifest {
  features: { slash_commands: { command: string; description: string; usage_hint: string }[]; bot_user: unknown };
  oauth_config: { scopes: { bot: string[]; user?: string[] } };
  settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

/** The bot scope each Web API method needs (api.slack.com/methods). */
const METHOD_SCOPE: Record<string, string> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.delete': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'conversations.info': 'channels:read',
  'users.info': 'users:read',
  'usergroups.users.list': 'usergroups:read',
  'reactions.add': 'reactions:write',
  'files.uploadV2': 'files:write',
};

/** Web API method families: `client.chat.update(` is Slack's; `client.connection.stream.destroy(` is not. */
const SLACK_FAMILIES = new Set(['chat', 'conversations', 'users', 'usergroups', 'reactions', 'files', 'views', 'pins', 'bookmarks', 'team', 'dnd']);

async function sourceFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const nested = await Promise.all(
    entries.map((e) => (e.isDirectory() ? sourceFiles(path.join(dir, e.name)) : Promise.resolve(e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []))),
  );
  return nested.flat();
}

/** Scopes implied by what src/ actually does: Web API calls through a client, and registered slash commands. */
async function scopesUsedByCode(): Promise<{ scopes: Set<string>; methods: Set<string> }> {
  const scopes = new Set<string>();
  const methods = new Set<string>();
  for (const file of await sourceFiles(path.join(ROOT, 'src'))) {
    const text = await readFile(file, 'utf8');
    for (const m of text.matchAll(/\bclient\.([a-z]+(?:\.[a-zA-Z0-9]+)+)\(/g)) {
      const method = m[1] ?? '';
      if (SLACK_FAMILIES.has(method.split('.')[0] ?? '')) methods.add(method);
    }
    if (/\bapp\.command\(/.test(text)) scopes.add('commands');
  }
  for (const method of methods) {
    const scope = METHOD_SCOPE[method];
    if (!scope) throw new Error(`add the scope of ${method} to METHOD_SCOPE in this test`);
    scopes.add(scope);
  }
  return { scopes, methods };
}

describe('manifest.yml', () => {
  it('declares exactly the slash command the code registers, with a description and usage hint', async () => {
    const manifest = parse(await readFile(path.join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;
    expect(manifest.features.slash_commands.map((c) => c.command)).toEqual([SLASH_COMMAND]);
    const [command] = manifest.features.slash_commands;
    expect(command?.description.length).toBeGreaterThan(10);
    expect(command?.usage_hint).toContain('status');
    expect(manifest.features.bot_user).toBeDefined();
  });

  it('asks for exactly the bot scopes the code uses, and no user scopes', async () => {
    const manifest = parse(await readFile(path.join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;
    const { scopes, methods } = await scopesUsedByCode();
    expect(methods).toContain('chat.postMessage');
    expect([...scopes].sort()).toEqual([...BOT_SCOPES].sort());
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...BOT_SCOPES].sort());
    expect(manifest.oauth_config.scopes.user ?? []).toEqual([]);
  });

  it('turns interactivity on for the buttons, and Socket Mode on', async () => {
    const manifest = parse(await readFile(path.join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;
    expect(manifest.settings.interactivity.is_enabled).toBe(Object.keys(ACTION_IDS).length > 0);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('every action_id on a message has a handler, and every handler a button', async () => {
    const incident = buildReport('status', facts({ idleSessions: [{ pid: 7, user: 'app', application: 'php', client: null, idleSeconds: 900, backendStart: '2026-11-26T09:00:00.000Z', app: true }] }, [
      instance({ id: 'old', name: 'php_swoole_app', createdAt: '2026-11-20T00:00:00.000Z' }),
      instance({ id: 'new' }),
    ]), settings());
    const planned = makePlan('terminate_idle', incident, { kind: 'slack', id: 'U1' }, new Date('2026-11-26T10:00:00Z'), 15);
    const plan = planned.ok ? planned.plan : null;
    const onMessages = new Set(
      [
        ...reportButtons('status', 'en'),
        ...reportButtons('idle 30', 'fa'),
        ...proposeButtons(incident, 'en'),
      ].map((b) => b.actionId),
    );
    const warning: Record<string, unknown>[] = [];
    const recorder = { chat: { postMessage: async (m: Record<string, unknown>) => (warning.push(m), { ts: '1.1' }) } };
    await createSlackWarningPoster(recorder as never, { remediation: true }).postWarning({
      decision: { kind: 'post-new', severity: 'crit', reason: 'crossed', threadTs: null } as never,
      text: 'warning',
      report: incident,
      channel: 'C1',
      lang: 'en',
    });
    // Issue #13: the Undo offered in the thread after a Swarm scale-down.
    const undo = undoOfferMessage(
      {
        id: 'u'.repeat(22),
        createdAt: '2026-11-26T10:00:00.000Z',
        expiresAt: '2026-11-27T10:00:00.000Z',
        requestedBy: { kind: 'slack', id: 'U1' },
        target: { host: 'db', database: 'madras' },
        action: 'undo_scale',
        before: { at: '2026-11-26T10:00:00.000Z', connections: 97, usable: 97, runningInstances: 2, workerStarts: null, serverFullErrors: null, verdict: 'CRIT' },
        undoes: 'p'.repeat(22),
        services: [{ id: 'svc', name: 'php_swoole_app', kind: 'swarm', location: 'unix:///var/run/docker.sock', createdAt: undefined, from: 0, to: 1 }],
      },
      'en',
    );
    for (const block of [...approvalMessage(plan!, 'en', 'U1').blocks, ...(warning[0]?.blocks as never[]), ...undo.blocks]) {
      for (const e of (block as { elements?: { action_id?: string }[] }).elements ?? []) if (e.action_id) onMessages.add(e.action_id);
    }
    expect([...onMessages].sort()).toEqual(Object.values(ACTION_IDS).sort());
    expect(Object.keys(ACTION_HANDLERS).sort()).toEqual(Object.values(ACTION_IDS).sort());
  });
});
