import type { Lang } from './catalog.js';

/**
 * "a, b, & c", «a،‏ b، و c»: Intl.ListFormat's short conjunction, written without it. Its first use
 * in a process loads ICU's list data (about 13 ms of a `dbpool status` that names two instances).
 * test/i18n/conjunction.test.ts checks it against Intl.ListFormat on the Node that runs the tests.
 */
const PATTERN: Record<Lang, { pair: string; middle: string; last: string }> = {
  en: { pair: ' & ', middle: ', ', last: ', & ' },
  // The right-to-left mark keeps a Latin item from pulling the comma after it to its side.
  fa: { pair: ' و ', middle: '،\u200F ', last: '، و ' },
};

export function conjunction(lang: Lang, items: readonly string[]): string {
  const p = PATTERN[lang];
  if (items.length <= 1) return items[0] ?? '';
  if (items.length === 2) return `${items[0]}${p.pair}${items[1]}`;
  return `${items.slice(0, -1).join(p.middle)}${p.last}${items.at(-1)}`;
}
