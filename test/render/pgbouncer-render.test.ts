/** The PgBouncer layer through every renderer: Block Kit (within Slack's limits), JSON, and the buttons under a report. */
import { describe, expect, it } from 'vitest';
import type { Facts } from '../../src/core/facts.js';
import { buildReport } from '../../src/core/report.js';
import { reportToSlack } from '../../src/render/block-kit.js';
import { renderJson } from '../../src/render/json.js';
import { proposeButtons } from '../../src/slack/remediation-messages.js';
import { facts, instance } from '../fixtures/facts.js';
import { pgbouncerFacts, pgbouncerOk } from '../fixtures/pgbouncer-facts.js';
import { settings } from '../fixtures/report-settings.js';
import { assertBlockKitLimits } from '../helpers/slack-block-limits.js';

const idle = (pid: number) => ({ pid, user: 'app', application: 'php_swoole_app', client: '10.0.0.7', idleSeconds: 900, backendStart: '2026-11-26T08:00:00.000Z', app: true });

function behindPgBouncer(): Facts {
  const app = [instance({ poolSize: { value: 30, origin: 'env' }, dbEndpoint: { host: 'pgbouncer', port: 6432, variables: ['DB_HOST', 'DB_PORT'] } })];
  return {
    ...facts({ maxConnections: 60, clientConnections: 4, appConnections: 3, idleSessions: [idle(5001), idle(5002)] }, app),
    pgbouncers: [pgbouncerOk(pgbouncerFacts({ settings: { maxClientConn: 100 }, clients: 100, serverPids: [5001, 5002] }))],
  };
}

describe('the PgBouncer layer in Slack and JSON', () => {
  const report = buildReport('status', behindPgBouncer(), settings());

  it.each(['en', 'fa'] as const)('Block Kit (%s): a PgBouncer section, the exact line in a code block, within the limits', (lang) => {
    const message = reportToSlack(report, lang);
    assertBlockKitLimits(message.blocks);
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('*PgBouncer*');
    expect(text).toContain('max_client_conn = 170');
  });

  it('no "terminate" button for idle sessions that are PgBouncer\'s server connections', () => {
    expect(report.recommendations.map((r) => r.code)).not.toContain('terminate_idle');
    expect(proposeButtons(report, 'en')).toEqual([]);
  });

  it('JSON carries both layers, language-free', () => {
    const json = JSON.parse(renderJson(report)) as { pgbouncer: { inPath: boolean; serverCapacity: number; bouncers: { clients: number; clientDemand: number; serverLimit: number }[] } };
    expect(json.pgbouncer.inPath).toBe(true);
    expect(json.pgbouncer.bouncers[0]).toMatchObject({ clients: 100, clientDemand: 120, serverLimit: 10 });
    expect(json.pgbouncer.serverCapacity).toBe(54);
  });
});
