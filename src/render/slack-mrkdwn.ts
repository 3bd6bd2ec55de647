/**
 * Slack mrkdwn helpers: escaping, code spans and cutting text without breaking them.
 * Slack has no escape for a backtick inside a code span, so one is replaced by a look-alike.
 */

const LOOKALIKE_BACKTICK = '\u02CB';
/** Right-to-left mark: makes Slack lay out a Persian line right to left even when it starts with a code span. */
export const RLM = '\u200F';

/** What a Latin-word mark must not enter: code spans, :emoji:, <links and mentions>, &entities;. */
const PROTECTED = /(`[^`\n]*`|:[a-z0-9_+-]+:|<[^>\n]*>|&[a-z]+;)/;
/** A Latin word with a number after it (only spaces or punctuation between): "PostgreSQL ۳۷", "pool: ۵". */
const LATIN_BEFORE_NUMBER = /[A-Za-z][\w.-]*(?=[^\p{L}\p{N}`\n]*[0-9\u06F0-\u06F9])/gu;

/**
 * One line of Persian mrkdwn as Slack must lay it out: right to left from its first character, and a
 * right-to-left mark after every code span and every Latin word a number follows. Without it the
 * Unicode Bidirectional Algorithm gives the digits after Latin text (rule W7) the Latin direction:
 * `max_connections` ۴۰ − ۳ would read «۳ − ۴۰ max_connections». The terminal isolates instead
 * (U+2066..2069), which Slack's clients do not all honour.
 */
export function rtlLine(line: string): string {
  const marked = line
    .split(PROTECTED)
    .map((part, i) => (i % 2 === 0 ? part.replace(LATIN_BEFORE_NUMBER, (w) => w + RLM) : part.startsWith('`') ? part + RLM : part))
    .join('');
  return (RLM + marked).replace(/\u200F{2,}/g, RLM);
}

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
