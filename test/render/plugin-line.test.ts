import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { catalogFor } from '../../src/i18n/index.js';
import { createFormatter } from '../../src/i18n/format.js';
import { renderPluginLine } from '../../src/render/plugin-line.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const line = (report: ReturnType<typeof buildReport>, lang: 'en' | 'fa' = 'en') => renderPluginLine(report, catalogFor(lang), createFormatter(lang));

/** The seed incident at the numbers: max_connections 40, 3 reserved, 38 connected, 2 x 4 x 5 = 40. */
const incident = () => {
  const old = instance({ id: 'old', name: 'php_swoole_app', createdAt: '2026-11-23T10:00:00.000Z' });
  const fresh = instance({ id: 'new', name: 'php_swoole_app_new' });
  return buildReport('status', facts({ maxConnections: 40, clientConnections: 38, appConnections: 37 }, [fresh, old]), settings());
};

describe('plugin line (dbpool check)', () => {
  it('is one line: status word, summary, then perfdata with the thresholds as the findings apply them', () => {
    const text = line(incident());
    expect(text.split('\n')).toHaveLength(2); // one line and its newline
    expect(text).toMatch(/^DBPOOL CRITICAL - 37\/37 usable connections, demand 40 > 37 available, /);
    const perf = text.split(' | ')[1]?.trim().split(' ') ?? [];
    // 37 usable: WARN from 75 % (28 connections) and CRIT from 90 % (34): the last fine values are 27 and 33.
    expect(perf).toContain('connections=37;27;33;0;37');
    expect(perf).toContain('dbpool_own=1;;;0');
    expect(perf).toContain('max_connections=40;;;0');
    expect(perf).toContain('instances=2;;;0');
    // dbpool's own connection is not another client: all 37 usable slots are the app's.
    // Demand may use min(warn, 1 - margin) = 75 % of the 37 available (28 already warns): 27 is the last fine value.
    expect(perf).toContain('demand=40;27;37;0');
    expect(perf).toContain('app_capacity=37;;;0');
  });

  it('the thresholds agree with the verdict at the boundary', () => {
    // 100 usable: 75 connections is exactly 75 % (WARN), so the warn threshold must be 74.
    const at75 = buildReport('status', facts({ maxConnections: 103, clientConnections: 76, appConnections: 74 }, []), settings());
    expect(at75.verdict).toBe('WARN');
    expect(line(at75)).toContain('connections=75;74;89;0;100');
    const at74 = buildReport('status', facts({ maxConnections: 103, clientConnections: 75, appConnections: 73 }, [instance()]), settings());
    expect(at74.findings.some((f) => f.code === 'utilization_high')).toBe(false);
  });

  it('UNKNOWN when PostgreSQL cannot be read, with no made-up figures', () => {
    const report = buildReport(
      'status',
      {
        observedAt: '2026-11-26T10:00:00.000Z',
        postgres: { ok: false, error: { kind: 'unreachable', source: 'postgres 127.0.0.1:5432/madras', message: 'ECONNREFUSED' }, database: 'madras', host: '127.0.0.1:5432' },
        instances: [],
      },
      settings(),
    );
    expect(line(report)).toBe('DBPOOL UNKNOWN - postgres 127.0.0.1:5432/madras: unreachable (ECONNREFUSED)\n');
  });

  it('leaves instances and demand out when the instance source failed, rather than writing 0', () => {
    const f = facts({}, []);
    f.instances = [{ source: 'docker unix:///var/run/docker.sock', ok: false, instances: [], error: { kind: 'unreachable', source: 'docker', message: 'ENOENT' } }];
    const text = line(buildReport('status', f, settings()));
    expect(text).not.toMatch(/instances=|demand=/);
    expect(text).toContain('connections=20;');
  });

  it('Persian: the summary in Persian digits, the status word and perfdata as monitoring systems parse them', () => {
    const text = line(incident(), 'fa');
    expect(text).toMatch(/^DBPOOL CRITICAL - ۳۷ از ۳۷ اتصال/);
    expect(text).toContain('connections=37;27;33;0;37');
  });
});
