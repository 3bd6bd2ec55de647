/**
 * Slack mrkdwn helpers: escaping, code spans and cutting text without breaking them.
 * Slack has no escape for a backtick inside a code span, so one is replaced by a look-alike.
 */

import { rtlLine } from './rtl-marks.js';

export { RLM, rtlLine } from './rtl-marks.js';

const LOOKALIKE_BACKTICK = '\u02CB';

/** Persian mrkdwn text, line by line; the lines of a fenced code block are left as they are. */
export function rtlText(text: string): string {
  let fenced = false;
  return text
    .split('\n')
    .map((l) => {
      const fence = l.startsWith('```');
      const out = fenced || fence ? l : rtlLine(l);
      if (fence && !(l.length > 3 && l.endsWith('```'))) fenced = !fenced;
      return out;
    })
    .join('\n');
}

/** & < > are the only characters Slack asks to escape; everything else is literal. */
export function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A code span for the formatter: stays left to right and verbatim inside Persian text. */
export function slackCode(s: string): string {
  const body = s.replace(/`/g, LOOKALIKE_BACKTICK).replace(/\n/g, ' ');
  return '`' + (body === '' ? ' ' : body) + '`';
}

/**
 * Text for a plain_text field (the header, the notification): code spans lose their backticks,
 * which plain text would show; in right-to-left text they stay isolated left to right instead.
 */
export function plainCode(s: string, rtl: boolean): string {
  const plain = s.replace(/`([^`]*)`/g, (_m, body: string) => (rtl ? `\u2066${body}\u2069` : body));
  // Read right to left like the mrkdwn lines (the confirm dialog and the notification have no other marks).
  return rtl ? plain.split('\n').map(rtlLine).join('\n') : plain;
}

/**
 * A fenced code block of exact lines (SQL, env, shell), at most `max` characters: escaped, never
 * closed early; when too long, whole lines are dropped from the end and "…" stands for them.
 */
export function codeBlock(lines: string[], max = Number.MAX_SAFE_INTEGER): string {
  const fence = (body: string) => '```\n' + body + '\n```';
  const body = escapeMrkdwn(lines.join('\n')).replace(/```/g, LOOKALIKE_BACKTICK.repeat(3));
  if (fence(body).length <= max) return fence(body);
  const room = Math.max(1, max - fence('').length - 2);
  let cut = body.slice(0, room);
  const nl = cut.lastIndexOf('\n');
  if (nl > 0) cut = cut.slice(0, nl);
  cut = cut.replace(/&[a-z]{0,4}$/, '').replace(/[\uD800-\uDBFF]$/, '');
  return fence(cut + '\n…');
}

/**
 * Cuts mrkdwn text (no code blocks) to at most `max` characters (UTF-16 units, as Slack counts),
 * ending with "…", at a space when one is near, never leaving a code span or an entity open.
 */
export function truncateMrkdwn(s: string, max: number): string {
  if (s.length <= max) return s;
  let cut = s.slice(0, Math.max(0, max - 1));
  const space = cut.lastIndexOf(' ');
  if (space > 0 && space > cut.length - 40) cut = cut.slice(0, space);
  // A half-cut entity (&am) or surrogate pair would show as garbage.
  cut = cut.replace(/&[a-z]{0,4}$/, '').replace(/[\uD800-\uDBFF]$/, '');
  const ticks = cut.match(/`/g)?.length ?? 0;
  if (ticks % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('`'));
  return cut + '…';
}

/** Plain text fields (header, button): cut to `max` with "…". */
export function truncatePlain(s: string, max: number): string {
  if (s.length <= max) return s;
  return s.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '') + '…';
}

/** A user as Slack shows them: a mention for a Slack ID, the escaped text otherwise. */
export function slackMention(userId: string): string {
  return /^[A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeMrkdwn(userId);
}
