/** Right-to-left mark: makes a Persian line read right to left even when it starts with an identifier. */
export const RLM = '\u200F';

/** What a Latin-word mark must not enter: code spans (Slack's backticks, a terminal's isolates), :emoji:, <links and mentions>, &entities;. */
const PROTECTED = /(`[^`\n]*`|\u2066[^\u2069\n]*\u2069|:[a-z0-9_+-]+:|<[^>\n]*>|&[a-z]+;)/;
/** A Latin word with a number after it (only spaces or punctuation between): "PostgreSQL ۳۷", "pool: ۵". */
const LATIN_BEFORE_NUMBER = /[A-Za-z][\w.-]*(?=[^\p{L}\p{N}`\u2066\n]*[0-9\u06F0-\u06F9])/gu;

/**
 * One line of Persian text as a reader must see it: right to left from its first character, and a
 * right-to-left mark after every identifier (code span or isolate) and every Latin word a number
 * follows. Without it the Unicode Bidirectional Algorithm gives the digits after Latin text (rule
 * W7) the Latin direction: `max_connections` ۴۰ − ۳ would read «۳ − ۴۰ max_connections». Slack and
 * the terminal both get it: an isolate hides its content from W7 but not a Latin word outside it.
 */
export function rtlLine(line: string): string {
  const marked = line
    .split(PROTECTED)
    .map((part, i) => (i % 2 === 0 ? part.replace(LATIN_BEFORE_NUMBER, (w) => w + RLM) : part.startsWith('`') || part.startsWith('\u2066') ? part + RLM : part))
    .join('');
  return (RLM + marked).replace(/\u200F{2,}/g, RLM);
}
