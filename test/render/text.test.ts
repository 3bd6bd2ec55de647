import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const incident = () => {
  const old = instance({ id: 'old', name: 'php_swoole_app', createdAt: '2026-11-23T10:00:00.000Z', poolSize: { value: 10, origin: 'env' } });
  const fresh = instance({ id: 'new', name: 'php_swoole_app_new', poolSize: { value: 10, origin: 'env' } });
  const idle = Array.from({ length: 45 }, (_, i) => ({
    pid: 1000 + i, user: 'app', application: 'php_swoole_app', client: '10.0.0.5', idleSeconds: 900 + i, backendStart: '2026-11-26T09:00:00Z', app: true,
  }));
  return buildReport('status', facts({ clientConnections: 97, appConnections: 96, idleSessions: idle }, [fresh, old]), settings());
};

describe('terminal report', () => {
  it('English: verdict, usage, the runbook formula, findings and the exact commands', () => {
    const text = renderText(incident(), { lang: 'en' });
    expect(text).toMatch(/^CRITICAL — /);
    expect(text).toContain('96 / 97 usable connections in use: the app 96, other clients 0 (max_connections 100, 3 reserved); dbpool\'s own: 1, not counted');
    expect(text).toContain('php_swoole_app_new: (4 workers) x DB_POOL_SIZE 10 = 40');
    expect(text).toContain('Total: 80 connections over 2 instances');
    expect(text).toContain('docker stop php_swoole_app');
    expect(text).toContain("AND state_change < NOW() - INTERVAL '10 minutes';");
    expect(text).not.toMatch(/[۰-۹]/);
  });

  it('Persian: Persian digits, identifiers kept left-to-right, commands verbatim', () => {
    const text = renderText(incident(), { lang: 'fa' }).replace(/\u200F/g, ''); // right-to-left marks: test/render/every-view-both-languages.test.ts
    expect(text).toMatch(/^بحرانی — /);
    expect(text).toContain('۹۶ از ۹۷ اتصال قابل استفاده');
    expect(text).toContain('\u2066php_swoole_app_new\u2069');
    expect(text).toContain('docker stop php_swoole_app');
    expect(text).toContain('۱۴۰۵'); // Persian calendar
    expect(text).toMatch(/^ {2}۱\. /m); // recommendations numbered in Persian digits
    expect(text).not.toMatch(/^ {2}1\. /m);
    expect(text).not.toMatch(/\b9[67]\b/);
  });

  it('long lists end with "and N more"', () => {
    const report = { ...incident(), view: 'idle' as const };
    expect(renderText(report, { lang: 'en', maxItems: 10 })).toContain('… and 35 more');
    expect(renderText(report, { lang: 'fa', maxItems: 10 })).toContain('… و ۳۵ مورد دیگر');
  });

  it('JSON is the language-free model with the exit code', () => {
    const parsed = JSON.parse(renderJson(incident()));
    expect(parsed).toMatchObject({ format: 'dbpool.report/1', verdict: 'CRIT', exitCode: 2 });
    expect(parsed.math.knownDemand).toBe(80);
  });
});
