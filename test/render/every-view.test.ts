import { describe, expect, it } from 'vitest';
import { AuditLog } from '../../src/actions/audit-log.js';
import { makePlan } from '../../src/actions/remediation-plan.js';
import { loadConfig } from '../../src/config.js';
import { REPORT_VIEWS, reportExitCode, type Report } from '../../src/core/report.js';
import { sampleFromReport } from '../../src/core/sample-from-report.js';
import { buildSummary } from '../../src/diagnosis/build-summary.js';
import { catalogFor, LANGS, type Lang } from '../../src/i18n/index.js';
import { silentLogger } from '../../src/logger.js';
import { planLines, planTitle } from '../../src/render/action-document.js';
import { reportToSlack, slackFormatter, SLACK_LIMITS, type SlackMessage } from '../../src/render/block-kit.js';
import { renderJson } from '../../src/render/json.js';
import { renderPluginLine } from '../../src/render/plugin-line.js';
import { renderSummary } from '../../src/render/render-summary.js';
import { summaryDocumentToText } from '../../src/render/summary-text.js';
import { renderText } from '../../src/render/text.js';
import { createFormatter } from '../../src/i18n/format.js';
import { approvalMessage, dryRunMessage, proposeButtons } from '../../src/slack/remediation-messages.js';
import { fixFirst, reportButtons } from '../../src/slack/report-buttons.js';
import { summaryToSlack } from '../../src/slack/scheduled-posts.js';
import { openStateDb } from '../../src/state/state-store.js';
import { HistoryStore } from '../../src/state/history-store.js';
import { facts, instance } from '../fixtures/facts.js';
import { buildReport } from '../../src/core/report.js';
import { settings } from '../fixtures/report-settings.js';
import { SITUATIONS, situationReport, whatIfReport, type Situation } from '../fixtures/situations.js';

/** What the first line must name, per situation and language (issue #16's examples). */
const FIRST_LINE: Record<Situation, Record<Lang, RegExp>> = {
  incident: {
    en: /^CRITICAL — PostgreSQL full \(37\/37\): 2 app instances running, 1 expected → stop php_swoole_app$/,
    fa: /^بحرانی — PostgreSQL پر است \(۳۷ از ۳۷\): ۲ نمونه از برنامه در حال اجراست، ۱ نمونه انتظار می‌رود ← .*php_swoole_app.* را متوقف کنید$/,
  },
  healthy: {
    en: /^OK — Connections are healthy: 20\/97 in use \(21%\)$/,
    fa: /^سالم — اتصال‌ها جای کافی دارند: ۲۰ از ۹۷ در حال استفاده \(۲۱٪\)$/,
  },
  poolExhausted: {
    en: /^WARNING — app pool exhausted \("All 5 connections are in use" x64\) while PostgreSQL has 76 free$/,
    fa: /^هشدار — pool خود برنامه پر شده است \(۶۴ بار «.*All 5 connections are in use.*»\) در حالی که PostgreSQL ۷۶ جای خالی دارد$/,
  },
};

const PERSIAN_DIGITS = '۰۱۲۳۴۵۶۷۸۹';
const toLatin = (s: string) => s.replace(/[۰-۹]/g, (d) => String(PERSIAN_DIGITS.indexOf(d)));

/** Every percentage in a text, with the line it is on: above 100 only with its reason on the same line. */
function percentagesAbove100WithoutReason(text: string, lang: Lang): string[] {
  const reason = lang === 'en' ? 'superuser sessions in the reserved slots' : 'نشست‌های superuser در جاهای رزرو';
  return text.split('\n').filter((line) => {
    const found = [...toLatin(line).matchAll(/(\d+)%|٪(\d+)/g)].map((m) => Number(m[1] ?? m[2]));
    return found.some((n) => n > 100) && !line.includes(reason);
  });
}

/** Plural mistakes: an English plural after 1, or a Persian plural noun after a number. */
function pluralMistakes(text: string, lang: Lang): string[] {
  if (lang === 'en') {
    return [...text.matchAll(/(?<![\d.,/])1 (instances|sessions|connections|times|clients|other clients|workers|minutes|samples|replicas|extra instances|idle sessions|processes|lines|services)\b/g)].map((m) => m[0]);
  }
  // Persian puts the singular noun after a number: «۲ نمونه», never «۲ نمونه‌ها».
  return [...text.matchAll(/[۰-۹]+ [\u0600-\u06FF]+\u200cها(?![\u0600-\u06FF])/g)].map((m) => m[0]);
}

function slackText(m: SlackMessage): string {
  return [m.text, ...m.blocks.map((b) => JSON.stringify(b))].join('\n');
}

function headerOf(m: SlackMessage): string {
  const header = m.blocks[0];
  if (header?.type !== 'header') throw new Error('no header');
  return header.text.text;
}

function everyRender(report: Report, lang: Lang): string[] {
  return [renderText(report, { lang }), slackText(reportToSlack(report, lang)), renderPluginLine(report, catalogFor(lang), createFormatter(lang))];
}

describe('every view in both languages, for the seed incident, a healthy app and an exhausted app pool', () => {
  for (const situation of SITUATIONS) {
    for (const lang of LANGS) {
      it(`${situation}, ${lang}: the first line names the finding and the fix, in the terminal, the notification and the header`, () => {
        const report = situationReport(situation);
        // Marks and isolates are for the bidi layout (test/render/every-view-both-languages.test.ts), not the words.
        const plain = (s: string) => s.replace(/[\u200f\u2066\u2069]/g, '');
        const first = plain(renderText(report, { lang }).split('\n')[0] ?? '');
        expect(first).toMatch(FIRST_LINE[situation][lang]);
        const slack = reportToSlack(report, lang);
        // The notification text and the header say the same, without backticks, never cut.
        expect(plain(slack.text.split('\n')[0] ?? '')).toMatch(FIRST_LINE[situation][lang]);
        const header = headerOf(slack);
        expect(header.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
        expect(header).not.toContain('…');
        expect(header).not.toContain('`');
        expect(plain(header)).toContain(plain(first));
      });

      it(`${situation}, ${lang}: every view — no percentage above 100 without its reason, plurals right`, () => {
        for (const view of REPORT_VIEWS) {
          const report = situationReport(situation, view);
          for (const text of everyRender(report, lang)) {
            expect(percentagesAbove100WithoutReason(text, lang), `${view}`).toEqual([]);
            expect(pluralMistakes(text, lang), `${view}`).toEqual([]);
          }
          const json = JSON.parse(renderJson(report));
          expect(json.headline).toEqual(report.headline);
          expect(json.exitCode).toBe(reportExitCode(report));
        }
      });

      it(`${situation}, ${lang}: the daily summary from its samples`, async () => {
        const report = situationReport(situation);
        const db = openStateDb(':memory:');
        const history = new HistoryStore(db);
        const now = new Date('2026-11-26T10:00:00Z');
        for (let i = 1; i <= 60; i++) history.append(sampleFromReport({ ...report, generatedAt: new Date(now.getTime() - i * 60_000).toISOString() }, 1, null).sample);
        const summary = await buildSummary({ history, audit: new AuditLog(db, silentLogger()), config: loadConfig({}), currentReport: async () => report }, now);
        const { doc } = await renderSummary(summary, lang, { timeZone: 'UTC', chart: false });
        const text = summaryDocumentToText(doc);
        expect(percentagesAbove100WithoutReason(text, lang)).toEqual([]);
        expect(pluralMistakes(text, lang)).toEqual([]);
        // Slack's header is never cut: a headline too long beside the title opens the message instead.
        const slack = summaryToSlack(doc, lang, true);
        const header = headerOf(slack);
        expect(header.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
        expect(header).not.toMatch(/…$/);
        expect(slackText(slack)).toContain(doc.headline);
      });
    }
  }

  it('dbpool\'s own connection is not usage: the seed reads 37/37, not 38/37 or 105 %', () => {
    const report = situationReport('incident');
    expect(report.math.utilization).toBe(1);
    expect(report.math.server).toMatchObject({ used: 37, appConnections: 37, otherClients: 0, ownConnections: 1 });
    const text = renderText(report, { lang: 'en' });
    expect(text).toContain("37 / 37 usable connections in use: the app 37, other clients 0 (max_connections 40, 3 reserved); dbpool's own: 1, not counted");
    expect(text).not.toMatch(/38 ?\/ ?37|105|1 other clients/);
  });

  it('above the usable slots only with the reason: superuser sessions in the reserved slots', () => {
    const report = buildReport('status', facts({ maxConnections: 40, clientConnections: 40, appConnections: 30, ownConnections: 1 }), settings());
    const text = renderText(report, { lang: 'en' });
    expect(text).toContain('39 / 37 usable connections in use: the app 30, other clients 9 (max_connections 40, 3 reserved), 2 over the usable slots: superuser sessions in the reserved slots');
    expect(renderText(report, { lang: 'fa' })).toContain('۲ اتصال بیش از جاهای قابل استفاده: نشست‌های superuser در جاهای رزرو');
  });

  it('findings in the order that explains the incident: the extra instance, the demand, the full server, the refusals', () => {
    expect(situationReport('incident').findings.map((f) => f.code)).toEqual(['extra_instances', 'demand_exceeds_capacity', 'server_at_limit', 'server_full_in_logs', 'server_full_in_logs']);
  });

  it('quotes what the app logged, not a paraphrase', () => {
    const en = renderText(situationReport('incident'), { lang: 'en' });
    expect(en).toContain('logged "remaining connection slots are reserved for non-replication superuser connections" 12 times');
    expect(renderText(situationReport('poolExhausted'), { lang: 'en' })).toContain('logged "All 5 connections are in use" 64 times');
  });

  it('math is a what-if: its title says so, and it exits 0 when the pools fit, 1 when they do not (never 2)', () => {
    for (const lang of LANGS) {
      const title = catalogFor(lang).headline.whatIfTitle;
      expect(renderText(whatIfReport(false), { lang }).replace(/\u200f/g, '')).toMatch(new RegExp(`^${title} — `));
      expect(renderText(whatIfReport(true), { lang }).replace(/\u200f/g, '')).toMatch(new RegExp(`^${title} — `));
      const header = headerOf(reportToSlack(whatIfReport(false), lang));
      expect(header).toContain(title);
      expect(header).not.toContain(':red_circle:');
    }
    expect(renderText(whatIfReport(false), { lang: 'en' }).split('\n')[0]).toBe("WHAT-IF — the app's full pools would need 40 connections, 37 available: lower DB_POOL_SIZE to 3");
    expect(renderText(whatIfReport(true), { lang: 'en' }).split('\n')[0]).toBe('WHAT-IF — full pools would need 20 connections of the 96 available: they fit');
    expect(reportExitCode(whatIfReport(false))).toBe(1);
    expect(reportExitCode(whatIfReport(true))).toBe(0);
    expect(reportExitCode(situationReport('incident'))).toBe(2);
  });

  it('the idle view does not say "nothing to do" while the status has a fix', () => {
    const idle = situationReport('incident', 'idle');
    expect(renderText(idle, { lang: 'en' })).not.toContain('Nothing to do');
    expect(renderText(idle, { lang: 'en' })).toContain('dbpool status shows the fix that applies');
    expect(renderText(situationReport('healthy', 'idle'), { lang: 'en' })).toContain('Nothing to do.');
  });

  it("the fix's button first and primary; Refresh after it, plain", () => {
    const report = situationReport('incident');
    for (const lang of LANGS) {
      const buttons = fixFirst(proposeButtons(report, lang), reportButtons('status', lang));
      expect(buttons[0]).toMatchObject({ text: lang === 'en' ? 'Stop 1 extra instance' : 'توقف ۱ نمونه‌ی اضافه', style: 'primary' });
      expect(buttons.filter((b) => b.style === 'primary')).toHaveLength(1);
    }
    // Nothing to fix: Refresh stays the primary button.
    expect(fixFirst(proposeButtons(situationReport('healthy'), 'en'), reportButtons('status', 'en'))[0]).toMatchObject({ text: 'Refresh', style: 'primary' });
  });

  it('the stop plan says what stays, lists its instance once, and its confirm dialog is plain text', () => {
    const result = makePlan('stop_extra', situationReport('incident'), { kind: 'slack', id: 'U1' }, new Date('2026-11-26T10:00:00Z'), 15);
    if (!result.ok) throw new Error('no plan');
    const plan = result.plan;
    const t = catalogFor('en');
    const f = slackFormatter('en');
    expect(planTitle(plan, t, f)).toBe('Stop 1 extra instance, keeping `php_swoole_app_new`');
    expect(planLines(plan, t, f, 20)).toEqual(['Stop `php_swoole_app`, created 3d ago']);
    for (const lang of LANGS) {
      const message = approvalMessage(plan, lang, 'U1');
      const actions = message.blocks.find((b) => b.type === 'actions');
      const confirm = JSON.stringify(actions);
      expect(confirm).toContain('php_swoole_app_new');
      const dialog = actions?.type === 'actions' ? actions.elements.flatMap((e) => (e.type === 'button' && e.confirm?.text ? [e.confirm.text.text] : [])) : [];
      expect(dialog).toHaveLength(1);
      expect(dialog[0]).not.toContain('`');
      // A dry run: the plan, no button.
      const dry = dryRunMessage(plan, lang);
      expect(dry.blocks.some((b) => b.type === 'actions')).toBe(false);
      expect(dry.text).toContain(catalogFor(lang).action.dryRun);
    }
  });

  it('the idle-in-transaction timeout says it does not reach the sessions open now', () => {
    const text = renderText(situationReport('poolExhausted'), { lang: 'en' });
    expect(text).toContain('The setting applies to new sessions only: the 10 sessions open now need terminating (pg_terminate_backend) or a restart of the app.');
    expect(renderText(situationReport('poolExhausted'), { lang: 'fa' })).toContain('فقط روی نشست‌های تازه اثر دارد');
  });

  it('plural forms from Intl.PluralRules in both languages', () => {
    const one = buildReport('status', facts({ clientConnections: 22, appConnections: 20, ownConnections: 1 }, [instance()]), settings());
    const en = renderText(one, { lang: 'en' });
    expect(en).toContain('1 instance against');
    expect(en).toContain('- 1 other client = 96');
    expect(catalogFor('en').action.buttonStop({ count: 1 }, createFormatter('en'))).toBe('Stop 1 extra instance');
    expect(catalogFor('en').action.buttonStop({ count: 2 }, createFormatter('en'))).toBe('Stop 2 extra instances');
    expect(catalogFor('fa').action.buttonStop({ count: 2 }, createFormatter('fa'))).toBe('توقف ۲ نمونه‌ی اضافه');
  });
});
