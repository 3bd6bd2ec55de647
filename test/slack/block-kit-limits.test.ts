import { describe, expect, it } from 'vitest';
import type { ReportView } from '../../src/core/report.js';
import { buildReport } from '../../src/core/report.js';
import { reportToSlack } from '../../src/render/block-kit.js';
import { codeBlock, truncateMrkdwn } from '../../src/render/slack-mrkdwn.js';
import { reportButtons } from '../../src/slack/report-buttons.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { assertBlockKitLimits } from '../helpers/slack-block-limits.js';

const VIEWS: ReportView[] = ['status', 'connections', 'instances', 'workers', 'config', 'idle', 'math'];

/** 1,000 idle sessions, 50 instances, long names everywhere: the worst a real incident gives. */
function hugeReport(view: ReportView, long = false) {
  const pad = (s: string) => (long ? s + '_' + 'x'.repeat(400) : s);
  const idleSessions = Array.from({ length: 1000 }, (_, i) => ({
    pid: 10_000 + i,
    user: pad('app'),
    application: pad(`php_swoole_app_${i}`),
    client: `10.0.${Math.floor(i / 250)}.${i % 250}`,
    idleSeconds: 600 + i * 7,
    backendStart: '2026-11-26T08:00:00.000Z',
    app: true,
  }));
  const instances = Array.from({ length: 50 }, (_, i) =>
    instance({
      id: `c${i}`,
      name: pad(`php_swoole_app_${i}`),
      image: pad(`registry.example.com/madras/app:2.${i}`),
      createdAt: new Date(Date.parse('2026-11-20T00:00:00Z') + i * 3_600_000).toISOString(),
      poolSize: { value: 30, origin: 'env' },
      workerNum: { value: 4, origin: 'env' },
    }),
  );
  const keys = (prefix: string) => Array.from({ length: 300 }, (_, i) => ({ key: pad(`${prefix}${i}`), count: 3 }));
  return buildReport(
    view,
    facts(
      {
        maxConnections: 1100,
        clientConnections: 1090,
        databaseConnections: 1080,
        appConnections: 1075,
        states: { active: 40, idle: 1000, idleInTransaction: 30, idleInTransactionAborted: 5, other: 5, hidden: 0 },
        idleSessions,
        byApplication: keys('app_'),
        byUser: keys('user_'),
        byClient: keys('10.1.1.'),
      },
      instances,
    ),
    settings({ expectedInstances: 1 }),
  );
}

describe('Block Kit within Slack limits whatever the data', () => {
  for (const lang of ['en', 'fa'] as const) {
    for (const view of VIEWS) {
      for (const long of [false, true]) {
        it(`${lang} ${view}${long ? ' with 400-character names' : ''}: 1,000 sessions and 50 instances`, () => {
          const report = hugeReport(view, long);
          for (const maxItems of [15, 1000]) {
            const message = reportToSlack(report, lang, { buttons: reportButtons(view, lang), maxItems, context: ['<@U0ONCALL> asked'] });
            assertBlockKitLimits(message.blocks);
            expect(message.text.length).toBeLessThanOrEqual(3000);
          }
        });
      }
    }
  }

  it('cuts long lists with "and N more" in the language of the report', () => {
    const en = JSON.stringify(reportToSlack(hugeReport('idle'), 'en').blocks);
    expect(en).toContain('… and 985 more');
    const fa = JSON.stringify(reportToSlack(hugeReport('idle'), 'fa').blocks);
    expect(fa).toContain('۹۸۵');
    expect(fa).not.toContain('985');
  });

  it('Persian: Persian digits, identifiers in code spans, lines marked right to left', () => {
    const message = reportToSlack(hugeReport('status'), 'fa');
    const text = JSON.stringify(message.blocks);
    expect(text).toContain('۱۰۸۹'); // 1090 client connections, dbpool's own 1 apart
    expect(text).toContain('`php_swoole_app_0`');
    const section = message.blocks.find((b) => b.type === 'section');
    expect(section && 'text' in section ? section.text?.text.startsWith('\u200F') : false).toBe(true);
  });

  it('recommendations keep their exact commands in code blocks', () => {
    const text = JSON.stringify(reportToSlack(hugeReport('status'), 'en').blocks);
    expect(text).toMatch(/```\\n[^`]*(max_connections|DB_POOL_SIZE|docker stop)/);
  });

  it('cutting never leaves a code span or a code block open', () => {
    const cut = truncateMrkdwn('word `' + 'x'.repeat(50) + '` and `' + 'y'.repeat(3000) + '`', 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect((cut.match(/`/g) ?? []).length % 2).toBe(0);
    const block = codeBlock(Array.from({ length: 500 }, (_, i) => `SELECT pg_terminate_backend(${i});`), 1000);
    expect(block.length).toBeLessThanOrEqual(1000);
    expect(block.startsWith('```\n') && block.endsWith('\n```')).toBe(true);
    expect(codeBlock(['a < b && c'])).toBe('```\na &lt; b &amp;&amp; c\n```');
  });
});
