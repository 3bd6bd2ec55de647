/**
 * Blind is not "nothing to do": when PostgreSQL or the Docker engine cannot be read, terminate-idle
 * and stop-extra say what could not be read and that no plan can be made (CLI: exit UNKNOWN), and
 * the report never guesses zeros for what it could not count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { closedPort, SIGNING_SECRET, startTestBot, type TestBot } from '../helpers/slack-bot.js';
import { sendSlashCommand } from '../helpers/slack-requests.js';
import { TEST_LIMITS } from '../helpers/test-limits.js';

const DOCKER_DOWN = 'unix:///nonexistent/docker.sock';

async function cli(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (s) => void (stdout += s), stderr: (s) => void (stderr += s), isTerminal: false }, { DBPOOL_LOG_LEVEL: 'silent', DBPOOL_STATE_DIR: ':memory:', ...env }, {
    limits: TEST_LIMITS,
    services: { stateFile: ':memory:' },
  });
  return { code, stdout, stderr };
}

describe('what dbpool could not read', () => {
  let server: TestPostgres;
  let pgDown: string;
  beforeAll(async () => {
    server = await startPostgres();
    pgDown = `postgresql://dbpool:x@127.0.0.1:${await closedPort()}/madras`;
  });
  afterAll(async () => server?.stop());

  it('CLI terminate-idle with PostgreSQL down: no plan, says what could not be read, exit 3 (UNKNOWN)', async () => {
    const r = await cli(['terminate-idle', '--minutes', '0.01', '--yes'], { DATABASE_URL: pgDown, DBPOOL_CONNECT_TIMEOUT_MS: '500', DBPOOL_INSTANCE_SOURCE: 'none' });
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    const [first, second] = r.stderr.trim().split('\n');
    expect(first).toBe('No plan can be made: dbpool could not read what the action depends on. Nothing done.');
    expect(second).toMatch(/^postgres 127\.0\.0\.1:\d+\/madras: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('CLI stop-extra with the Docker engine down: no plan, names the engine, exit 3 (UNKNOWN)', async () => {
    const r = await cli(['stop-extra', '--yes'], { DATABASE_URL: server.url(), DBPOOL_INSTANCE_SOURCE: 'docker', DBPOOL_DOCKER_HOSTS: DOCKER_DOWN });
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('No plan can be made');
    expect(r.stderr).toContain(`docker ${DOCKER_DOWN}`);
  });

  it('CLI status with the Docker engine down: no guessed zeros, the total is unknown', async () => {
    const r = await cli(['status'], { DATABASE_URL: server.url(), DBPOOL_INSTANCE_SOURCE: 'docker', DBPOOL_DOCKER_HOSTS: DOCKER_DOWN });
    expect(r.stdout).toContain('Total: unknown, 1 instance source could not be read');
    expect(r.stdout).not.toMatch(/0 connections over 0 instances|Headroom/);
  });

  describe('in Slack', () => {
    let bot: TestBot;
    beforeAll(async () => {
      bot = await startTestBot({ DATABASE_URL: pgDown, DBPOOL_CONNECT_TIMEOUT_MS: '500' });
    });
    afterAll(async () => bot?.stop());

    it('/dbpool terminate-idle with PostgreSQL down: an ephemeral answer saying what could not be read, no plan posted, nothing audited', async () => {
      await sendSlashCommand(bot.eventsUrl, SIGNING_SECRET, { text: 'terminate-idle --minutes 0.01', response_url: bot.api.responseUrl('t') });
      await bot.api.waitFor((calls) => calls.some((c) => c.responseId === 't'), 20_000);
      const reply = bot.api.callsOf('response_url').find((c) => c.responseId === 't')!.body;
      expect(reply.response_type).toBe('ephemeral');
      expect(String(reply.text)).toMatch(/^No plan can be made: dbpool could not read what the action depends on\. Nothing done\.\n`postgres 127\.0\.0\.1:\d+\/madras`: connect ECONNREFUSED/);
      expect(bot.api.callsOf('chat.postMessage')).toEqual([]);
      expect(bot.services.remediation!.auditEntries(10)).toEqual([]);
    });
  });
});
