import * as bidiModule from 'bidi-js';
import type { Bidi } from 'bidi-js';

/**
 * How a reader sees a line of Slack text: laid out by a real implementation of the Unicode
 * Bidirectional Algorithm (bidi-js, UAX #9), then read the way the paragraph runs.
 */
// bidi-js is a UMD build typed as an ES module: its factory is the default export or the module itself.
type Factory = () => Bidi;
const bidiFactory = (bidiModule as unknown as { default?: Factory }).default ?? (bidiModule as unknown as Factory);
const bidi = bidiFactory();

/** What a Slack client draws of one mrkdwn line: no backticks or bold stars, an emoji as one object, entities decoded. */
export function slackVisibleText(mrkdwn: string): string {
  return mrkdwn
    .replace(/`/g, '')
    .replace(/\*/g, '')
    .replace(/:[a-z0-9_+-]+:/g, '\uFFFC')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The paragraph direction the algorithm gives a line (first strong character, as Slack's dir=auto). */
export function paragraphDirection(visible: string): 'ltr' | 'rtl' {
  return bidi.getEmbeddingLevels(visible).paragraphs[0]!.level % 2 === 1 ? 'rtl' : 'ltr';
}

/** For each character of the logical text, the column (from the left) where it is drawn. */
function columns(visible: string, direction?: 'ltr' | 'rtl'): number[] {
  const levels = bidi.getEmbeddingLevels(visible, direction);
  const order = Array.from({ length: visible.length }, (_, i) => i);
  for (const [start = 0, end = -1] of bidi.getReorderSegments(visible, levels)) {
    const reversed = order.slice(start, end + 1).reverse();
    order.splice(start, reversed.length, ...reversed);
  }
  const column: number[] = [];
  order.forEach((logical, visual) => (column[logical] = visual));
  return column;
}

const PERSIAN_NUMBER = '[\\u06F0-\\u06F9]+(?:[:/.,\\u066B\\u066C][\\u06F0-\\u06F9]+)*\\u066A?';
const LATIN_PHRASE = "[A-Za-z0-9_.:/@$'\"=<>&+\\-\\[\\]]*[A-Za-z][A-Za-z0-9_.:/@$'\"=<>&+\\-\\[\\]]*";
/** Words a reader takes in as one piece: a Persian word, a number, a Latin phrase (read left to right inside). */
// An isolate is read as one piece, left to right; a Latin phrase may hold plain digits ("All 5 connections are in use").
const TOKEN = new RegExp(`\\u2066[^\\u2069]*\\u2069|${PERSIAN_NUMBER}|${LATIN_PHRASE}(?: (?:${LATIN_PHRASE}|[0-9][0-9.,:]*))*|[\\u0600-\\u06FF\\u200C]+`, 'g');

/** The tokens of a line in logical (typed) order. */
export function tokens(visible: string): string[] {
  return (visible.match(TOKEN) ?? []).filter((t) => /[\p{L}\p{N}]/u.test(t));
}

/**
 * The tokens in the order a reader meets them: from the right in a right-to-left paragraph, from the
 * left otherwise. A Persian reader reads numbers and Latin names inside the flow, so a number laid
 * out to the left of a name it follows is read before it: the fault this catches.
 */
export function readingOrder(visible: string, direction?: 'ltr' | 'rtl'): string[] {
  const column = columns(visible, direction);
  const rtl = (direction ?? paragraphDirection(visible)) === 'rtl';
  const placed: { token: string; at: number }[] = [];
  for (const m of visible.matchAll(TOKEN)) {
    if (!/[\p{L}\p{N}]/u.test(m[0])) continue;
    const cols = Array.from({ length: m[0].length }, (_, k) => column[m.index + k]!);
    placed.push({ token: m[0], at: rtl ? -Math.max(...cols) : Math.min(...cols) });
  }
  return placed.sort((a, b) => a.at - b.at).map((p) => p.token);
}

/** The line as drawn, left to right (for failure messages). */
export function drawn(visible: string, direction?: 'ltr' | 'rtl'): string {
  const column = columns(visible, direction);
  const out: string[] = [];
  visible.split('').forEach((ch, i) => (out[column[i]!] = ch));
  return out.join('').replace(/[\u200E\u200F]/g, '');
}
