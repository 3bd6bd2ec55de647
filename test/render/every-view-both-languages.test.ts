/**
 * Issue #16: every view, in both languages, in the three situations a stressed engineer meets (the
 * seed incident, a healthy app, an app whose own pool is exhausted), as Slack shows it. Persian says
 * everything in Persian (Latin only in identifiers and quoted server words, which are code spans),
 * and every Persian line reads, laid out by the Unicode Bidirectional Algorithm, in the order it was
 * written, in Slack and in a terminal; English carries no right-to-left marks.
 */
import { describe, expect, it } from 'vitest';
import { makePlan } from '../../src/actions/remediation-plan.js';
import { computeDailySummary } from '../../src/core/daily-summary.js';
import { REPORT_VIEWS } from '../../src/core/report.js';
import { catalogFor, LANGS, type Lang } from '../../src/i18n/index.js';
import { reportToSlack, slackFormatter, type SlackMessage } from '../../src/render/block-kit.js';
import { RLM } from '../../src/render/slack-mrkdwn.js';
import { buildSummaryDocument } from '../../src/render/summary-document.js';
import { approvalMessage, proposeButtons } from '../../src/slack/remediation-messages.js';
import { reportButtons } from '../../src/slack/report-buttons.js';
import { summaryToSlack } from '../../src/slack/scheduled-posts.js';
import { renderText } from '../../src/render/text.js';
import { okSample } from '../fixtures/samples.js';
import { SITUATIONS, situationReport, whatIfReport, type Situation } from '../fixtures/situations.js';
import { drawn, paragraphDirection, readingOrder, slackVisibleText, tokens } from '../helpers/bidi-reading.js';
import { latinProse } from '../helpers/latin-prose.js';

const NOW = new Date('2026-11-26T10:00:00.000Z');

/** Every Slack message dbpool posts in one situation: the report views with their buttons, `math`, the stop plan, the summary. */
function messages(situation: Situation, lang: Lang): { name: string; message: SlackMessage }[] {
  const out: { name: string; message: SlackMessage }[] = REPORT_VIEWS.filter((v) => v !== 'math').map((view) => {
    const report = situationReport(situation, view);
    return { name: view, message: reportToSlack(report, lang, { buttons: [...reportButtons(view, lang), ...proposeButtons(report, lang)], timeZone: 'Asia/Tehran' }) };
  });
  const whatIf = whatIfReport(situation !== 'incident');
  out.push({ name: 'math', message: reportToSlack(whatIf, lang, { timeZone: 'Asia/Tehran' }) });
  const status = situationReport(situation, 'status');
  for (const action of ['stop_extra', 'terminate_idle'] as const) {
    const planned = makePlan(action, status, { kind: 'slack', id: 'U0ONCALL' }, NOW, 15);
    if (planned.ok) out.push({ name: `plan ${action}`, message: approvalMessage(planned.plan, lang, 'U0ONCALL', 'Asia/Tehran') });
  }
  const samples = Array.from({ length: 1440 }, (_, i) => {
    const at = new Date(NOW.getTime() - (1440 - i) * 60_000);
    const bad = situation === 'incident' && i > 1380;
    return okSample(at, bad ? 37 : 20, { usable: status.math.server ? status.math.server.maxConnections - status.math.server.reservedSlots : 100, extraInstances: bad ? 1 : 0, instances: bad ? 2 : 1, refused: bad && i % 10 === 0 });
  });
  const summary = computeDailySummary({ now: NOW, samples, audit: [], current: { math: status.math, verdict: status.verdict }, thresholds: { warnUtilization: 0.75, critUtilization: 0.9 }, intervalSeconds: 60 });
  const doc = buildSummaryDocument(summary, catalogFor(lang), slackFormatter(lang, 'Asia/Tehran'));
  out.push({ name: 'summary', message: summaryToSlack(doc, lang, true) });
  return out;
}

/** The lines a reader sees: the header, each section's and context's mrkdwn lines; code blocks left out. */
function visibleLines(message: SlackMessage): string[] {
  const texts = message.blocks.flatMap((b) => {
    if (b.type === 'header') return [b.text.text];
    if (b.type === 'section' && b.text) return [b.text.text];
    if (b.type === 'context') return b.elements.map((e) => ('text' in e ? e.text : ''));
    return [];
  });
  const out: string[] = [];
  let fenced = false;
  for (const l of texts.flatMap((t) => t.split('\n'))) {
    if (l.startsWith('```')) fenced = !fenced;
    else if (!fenced && l.trim() !== '') out.push(l);
  }
  return out;
}

describe('every view in both languages, in the three situations', () => {
  for (const situation of SITUATIONS) {
    for (const lang of LANGS) {
      it(`${lang}, ${situation}`, () => {
        let lines = 0;
        for (const { name, message } of messages(situation, lang)) {
          for (const line of visibleLines(message)) {
            lines++;
            const seen = slackVisibleText(line);
            if (lang === 'en') {
              expect(line, name).not.toContain(RLM);
              continue;
            }
            expect(latinProse(line), `${name}: ${line}`).toEqual([]);
            expect(paragraphDirection(seen), `${name}: ${line}`).toBe('rtl');
            expect(readingOrder(seen), `${name}: ${line}\ndrawn: ${drawn(seen)}`).toEqual(tokens(seen));
          }
        }
        expect(lines).toBeGreaterThan(20);
      });

      it(`${lang}, ${situation}, in a terminal that lays out bidi text`, () => {
        for (const view of REPORT_VIEWS.filter((v) => v !== 'math')) {
          const text = renderText(situationReport(situation, view), { lang, timeZone: 'Asia/Tehran' });
          // Commands are indented six spaces and stay as typed, left to right.
          for (const line of text.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('      '))) {
            if (lang === 'en') {
              expect(line, view).not.toContain(RLM);
              continue;
            }
            expect(latinProse(line), `${view}: ${line}`).toEqual([]);
            expect(paragraphDirection(line), `${view}: ${line}`).toBe('rtl');
            expect(readingOrder(line), `${view}: ${line}\ndrawn: ${drawn(line)}`).toEqual(tokens(line));
          }
        }
      });
    }
  }
});
