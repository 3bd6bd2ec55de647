import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { reportToSlack } from '../../src/render/block-kit.js';
import { RLM, rtlLine, rtlText } from '../../src/render/slack-mrkdwn.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { drawn, paragraphDirection, readingOrder, slackVisibleText, tokens } from '../helpers/bidi-reading.js';

const seen = (mrkdwn: string) => slackVisibleText(mrkdwn);

describe('Persian mrkdwn as a reader sees it (Unicode Bidirectional Algorithm, bidi-js)', () => {
  const issueLine = '`max_connections` ۴۰ − ۳ رزرو';

  it('the issue\'s line without marks reads «۳ − ۴۰ max_connections»: the algorithm shows the fault', () => {
    const unmarked = seen(RLM + issueLine);
    expect(readingOrder(unmarked)).toEqual(['۳', '۴۰', 'max_connections', 'رزرو']);
  });

  it('marked, it reads as written: the name, then ۴۰, then ۳', () => {
    const line = seen(rtlLine(issueLine));
    expect(paragraphDirection(line)).toBe('rtl');
    expect(readingOrder(line), drawn(line)).toEqual(['max_connections', '۴۰', '۳', 'رزرو']);
  });

  it('a Latin word a number follows, and a line opening with a code span, read right to left', () => {
    for (const [text, expected] of [
      ['PostgreSQL ۳۷ اتصال دارد', ['PostgreSQL', '۳۷', 'اتصال', 'دارد']],
      ['`php_swoole_app` × ۳، `worker` × ۱', ['php_swoole_app', '۳', 'worker', '۱']],
      ['درصد استفاده‌ی pool: ۷۵٪ از ۳۷', ['درصد', 'استفاده‌ی', 'pool', '۷۵٪', 'از', '۳۷']],
    ] as const) {
      const line = seen(rtlLine(text));
      expect(readingOrder(line), drawn(line)).toEqual(expected);
    }
  });

  it('emoji, mentions and links keep their spelling; a fenced block is left as typed; marking twice changes nothing', () => {
    expect(rtlLine(':red_circle: <@U123> ۲ نمونه')).toBe(`${RLM}:red_circle: <@U123> ۲ نمونه`);
    const text = 'فرمان:\n```\nALTER SYSTEM SET max_connections = 40;\n```\n`x` ۳';
    const marked = rtlText(text);
    expect(marked.split('\n').slice(1, 4)).toEqual(['```', 'ALTER SYSTEM SET max_connections = 40;', '```']);
    expect(rtlText(marked)).toBe(marked);
  });

  it('an English line is left alone by the renderer (no right-to-left marks)', () => {
    const report = buildReport('status', facts(), settings());
    const json = JSON.stringify(reportToSlack(report, 'en').blocks);
    expect(json).not.toContain(RLM);
  });

  it('every line of the Persian seed incident reads in the order it was written', () => {
    const report = buildReport(
      'status',
      facts({ maxConnections: 40, clientConnections: 38, appConnections: 37, databaseConnections: 38 }, [
        instance({ id: 'a', name: 'php_swoole_app' }),
        instance({ id: 'b', name: 'php_swoole_app_new' }),
      ]),
      settings({ expectedInstances: 1 }),
    );
    const message = reportToSlack(report, 'fa');
    const lines = message.blocks.flatMap((b) =>
      b.type === 'section' && b.text ? b.text.text.split('\n') : b.type === 'context' ? b.elements.map((e) => ('text' in e ? e.text : '')) : [],
    );
    let fenced = false;
    let checked = 0;
    for (const l of lines) {
      if (l.startsWith('```')) fenced = !fenced;
      if (fenced || l.startsWith('```')) continue;
      const line = seen(l);
      expect(paragraphDirection(line), l).toBe('rtl');
      expect(readingOrder(line), drawn(line)).toEqual(tokens(line));
      checked++;
    }
    expect(checked).toBeGreaterThan(5);
  });
});
