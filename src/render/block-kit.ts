import type { types } from '@slack/bolt';
import type { Severity } from '../core/findings.js';
import type { Report } from '../core/report.js';
import type { Verdict } from '../core/verdict.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import { createFormatter, type Formatter } from '../i18n/format.js';
import { buildDocument, type DocEntry, type ReportDocument } from './report-document.js';
import { codeBlock, escapeMrkdwn, plainCode, rtlText, slackCode, truncateMrkdwn, truncatePlain } from './slack-mrkdwn.js';

type KnownBlock = types.KnownBlock;

/** Slack's documented Block Kit limits; every message dbpool posts stays inside them. */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionText: 3000,
  fieldsPerSection: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  contextText: 3000,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** The notification fallback; Slack truncates `text` at 40,000, notifications show far less. */
  fallbackText: 3000,
} as const;

export interface SlackButton {
  actionId: string;
  text: string;
  /** Must already fit SLACK_LIMITS.buttonValue: a value is never cut (it would no longer parse). */
  value: string;
  style?: 'primary' | 'danger';
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

export interface SlackMessage {
  /** Plain fallback for notifications and screen readers. */
  text: string;
  blocks: KnownBlock[];
}

export interface BlockKitOptions {
  /** "… and N more", in the document's language. */
  andMore: (count: number) => string;
  /** Extra context lines, already mrkdwn (e.g. who asked). */
  context?: string[];
  buttons?: SlackButton[];
}

const VERDICT_EMOJI: Record<Verdict, string> = { OK: ':large_green_circle:', WARN: ':warning:', CRIT: ':red_circle:', UNKNOWN: ':grey_question:' };
const WHAT_IF_EMOJI = ':abacus:';
const SEVERITY_MARK: Record<Severity, string> = { crit: ':red_circle:', warn: ':warning:', info: ':information_source:' };

/** The formatter for Slack text: code spans with backticks; Persian digits and calendar from the language. */
export function slackFormatter(lang: Lang, timeZone?: string): Formatter {
  return createFormatter(lang, { code: slackCode, timeZone });
}

/** A report as a Slack message, through the same document the terminal renders. */
export function reportToSlack(
  report: Report,
  lang: Lang,
  options: { buttons?: SlackButton[]; context?: string[]; timeZone?: string; maxItems?: number } = {},
): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang, options.timeZone);
  const doc = buildDocument(report, t, f, { maxItems: options.maxItems ?? 15 });
  return documentToBlocks(doc, {
    andMore: (count) => t.label.andMore({ count }, f),
    context: options.context,
    buttons: options.buttons,
  });
}

/** What documentToBlocks lays out: a report document, or any document of the same shape (the daily summary). */
export type BlockDocument = Pick<ReportDocument, 'lang' | 'dir' | 'verdict' | 'whatIf' | 'title' | 'headline' | 'context'> & {
  sections: { id: string; title: string; entries: DocEntry[] }[];
};

/** Lays out a document as Block Kit; whatever the document holds, the result is within SLACK_LIMITS. */
export function documentToBlocks(doc: BlockDocument, options: BlockKitOptions): SlackMessage {
  const line = (s: string) => directed(doc, s);
  // The header is never cut: a headline that does not fit beside the title opens the message instead.
  const emoji = doc.whatIf ? WHAT_IF_EMOJI : VERDICT_EMOJI[doc.verdict];
  const whole = line(plainCode(`${emoji} ${doc.title} — ${doc.headline}`, doc.dir === 'rtl'));
  const fits = whole.length <= SLACK_LIMITS.headerText;
  const header: KnownBlock = {
    type: 'header',
    text: { type: 'plain_text', text: fits ? whole : truncatePlain(line(plainCode(`${emoji} ${doc.title}`, doc.dir === 'rtl')), SLACK_LIMITS.headerText), emoji: true },
  };

  // Each section's entries become mrkdwn chunks; chunks are packed into as few section blocks as fit.
  const sectionTexts: string[] = fits ? [] : [truncateMrkdwn(line(`*${escapeMrkdwn(doc.headline)}*`), SLACK_LIMITS.sectionText)];
  for (const section of doc.sections) {
    const chunks = section.entries.map((entry) => {
      const mark = entry.ordinal ?? (entry.severity ? SEVERITY_MARK[entry.severity] : '•');
      return entryChunk(entry, mark, line);
    });
    sectionTexts.push(...pack(`*${escapeMrkdwn(section.title)}*`, chunks, line));
  }

  const contextLines = [...doc.context.map((c) => escapeMrkdwn(c)), ...(options.context ?? [])];
  const context: KnownBlock | null =
    contextLines.length === 0
      ? null
      : {
          type: 'context',
          elements: contextLines.slice(0, SLACK_LIMITS.contextElements).map((c) => ({
            type: 'mrkdwn' as const,
            text: truncateMrkdwn(line(c), SLACK_LIMITS.contextText),
          })),
        };
  const buttons = (options.buttons ?? []).filter(fitsSlack).slice(0, SLACK_LIMITS.actionsElements);
  const actions: KnownBlock | null =
    buttons.length === 0 ? null : { type: 'actions', elements: buttons.map(buttonElement) };

  const room = SLACK_LIMITS.blocksPerMessage - 1 - (context ? 1 : 0) - (actions ? 1 : 0);
  let shown = sectionTexts;
  if (sectionTexts.length > room) {
    shown = sectionTexts.slice(0, room - 1);
    shown.push(line(escapeMrkdwn(options.andMore(sectionTexts.length - shown.length))));
  }
  const blocks: KnownBlock[] = [
    header,
    ...shown.map((text): KnownBlock => ({ type: 'section', text: { type: 'mrkdwn', text } })),
    ...(context ? [context] : []),
    ...(actions ? [actions] : []),
  ];
  const first = doc.sections[0]?.entries[0]?.text;
  const fallback = plainCode(`${doc.title} — ${doc.headline}${first ? `\n${first}` : ''}`, doc.dir === 'rtl');
  return { text: truncatePlain(escapeMrkdwn(fallback), SLACK_LIMITS.fallbackText), blocks };
}

/** Persian lines are marked right to left (see rtlLine), so code spans and numbers keep their places. */
function directed(doc: Pick<ReportDocument, 'dir'>, s: string): string {
  return doc.dir === 'rtl' ? rtlText(s) : s;
}

/** One entry: its sentence, then its exact commands in a code block; never longer than a section. */
function entryChunk(entry: DocEntry, mark: string, line: (s: string) => string): string {
  const budget = SLACK_LIMITS.sectionText - 200;
  const text = line(`${mark} ${escapeMrkdwn(entry.text)}`);
  if (!entry.code || entry.code.length === 0) return truncateMrkdwn(text, budget);
  const sentence = truncateMrkdwn(text, Math.floor(budget / 3));
  return `${sentence}\n${codeBlock(entry.code, budget - sentence.length - 1)}`;
}

/** Packs a title and chunks into section texts of at most SLACK_LIMITS.sectionText characters. */
function pack(title: string, chunks: string[], line: (s: string) => string): string[] {
  const out: string[] = [];
  let current = line(title);
  for (const chunk of chunks) {
    if (current.length + 1 + chunk.length <= SLACK_LIMITS.sectionText) {
      current += `\n${chunk}`;
    } else {
      out.push(current);
      current = chunk;
    }
  }
  out.push(current);
  return out;
}

function fitsSlack(b: SlackButton): boolean {
  return b.actionId.length > 0 && b.actionId.length <= SLACK_LIMITS.actionId && b.value.length <= SLACK_LIMITS.buttonValue;
}

function buttonElement(b: SlackButton): types.Button {
  return {
    type: 'button',
    action_id: b.actionId,
    text: { type: 'plain_text', text: truncatePlain(b.text, SLACK_LIMITS.buttonText), emoji: true },
    value: b.value,
    ...(b.style ? { style: b.style } : {}),
    ...(b.confirm
      ? {
          confirm: {
            title: { type: 'plain_text' as const, text: truncatePlain(b.confirm.title, SLACK_LIMITS.confirmTitle) },
            text: { type: 'plain_text' as const, text: truncatePlain(b.confirm.text, SLACK_LIMITS.confirmText) },
            confirm: { type: 'plain_text' as const, text: truncatePlain(b.confirm.confirm, SLACK_LIMITS.confirmButton) },
            deny: { type: 'plain_text' as const, text: truncatePlain(b.confirm.deny, SLACK_LIMITS.confirmButton) },
          },
        }
      : {}),
  };
}

/** A message that is just a few lines of mrkdwn (help, refusals, "checking…"), within the limits. */
export function textToSlack(lines: string[], lang: Lang, buttons: SlackButton[] = []): SlackMessage {
  const rtl = catalogFor(lang).dir === 'rtl';
  const text = rtl ? rtlText(lines.join('\n')) : lines.join('\n');
  const shown = buttons.filter(fitsSlack).slice(0, SLACK_LIMITS.actionsElements);
  return {
    text: truncatePlain(text, SLACK_LIMITS.fallbackText),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(text, SLACK_LIMITS.sectionText) } },
      ...(shown.length > 0 ? [{ type: 'actions' as const, elements: shown.map(buttonElement) }] : []),
    ],
  };
}
