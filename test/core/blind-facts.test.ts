import { describe, expect, it } from 'vitest';
import { actionFigures } from '../../src/core/action-figures.js';
import { runningCount, usableSlots } from '../../src/core/derived-facts.js';
import type { Facts } from '../../src/core/facts.js';
import { buildReport } from '../../src/core/report.js';
import { renderText } from '../../src/render/text.js';
import { facts, instance, postgresFacts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const dockerDown: Facts['instances'] = [
  { source: 'docker unix:///var/run/docker.sock', ok: false, instances: [], error: { kind: 'unreachable', source: 'docker unix:///var/run/docker.sock', message: 'list containers: connect ENOENT /var/run/docker.sock' } },
];
const logsOfTheIncident = instance({
  logs: { linesRead: 100, since: null, workerStarts: { pattern: 'w', count: 0, lastSeen: null }, serverFull: [{ pattern: 'too many clients', count: 7, lastSeen: null }], poolExhausted: [] },
});
const postgresDown: Facts['postgres'] = {
  ok: false,
  error: { kind: 'unreachable', source: 'postgres db.internal:5432/madras', message: 'connect ECONNREFUSED 10.0.0.9:5432', code: 'ECONNREFUSED' },
  database: 'madras',
  host: 'db.internal',
};

/** Blind is not "nothing to do": what could not be read stays unknown, never a guessed zero. */
describe('what dbpool could not read', () => {
  it('Docker down: no total, no headroom, no zero instances; the report says the sources could not be read', () => {
    const report = buildReport('status', { ...facts(), instances: dockerDown }, settings());
    expect(report.math).toMatchObject({ unreadSources: 1, totalDemand: null, headroom: null, demandRatio: null });
    expect(runningCount(report.facts)).toBeNull();
    expect(actionFigures(report).runningInstances).toBeNull();
    const text = renderText(report, { lang: 'en' });
    expect(text).toContain('Total: unknown, 1 instance source could not be read');
    expect(text).not.toMatch(/0 connections over 0 instances|Headroom/);
  });

  it('PostgreSQL refusing the connection (ECONNREFUSED) is UNKNOWN, not "out of connections", even with old "too many clients" in the logs', () => {
    const report = buildReport('status', { ...facts({}, [logsOfTheIncident]), postgres: postgresDown }, settings());
    expect(report.verdict).toBe('UNKNOWN');
    // The first line says what is wrong: the server does not answer, not that it is out of connections.
    expect(renderText(report, { lang: 'en' }).split('\n')[0]).toMatch(/^UNKNOWN — PostgreSQL .* does not answer: the connections could not be checked$/);
    expect(report.findings.map((f) => f.code)).toContain('server_full_in_logs');
  });

  it('a full server is still CRIT', () => {
    const full = { ...postgresDown, error: { ...postgresDown.error, kind: 'server_full' as const, message: 'sorry, too many clients already' } };
    expect(buildReport('status', { ...facts(), postgres: full }, settings()).verdict).toBe('CRIT');
  });

  it('usable slots never go below zero', () => {
    expect(usableSlots(postgresFacts({ maxConnections: 3, superuserReservedConnections: 3, reservedConnections: 2 }))).toBe(0);
  });
});
