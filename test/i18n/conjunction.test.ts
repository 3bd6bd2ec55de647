/** Lists joined without ICU must read as Intl.ListFormat joins them, on the Node that runs the tests. */
import { describe, expect, it } from 'vitest';
import { conjunction } from '../../src/i18n/conjunction.js';
import { LOCALE } from '../../src/i18n/numerals.js';

describe('lists joined without ICU', () => {
  for (const lang of ['en', 'fa'] as const) {
    it(`${lang}: the same text as Intl.ListFormat's short conjunction, for 0 to 6 items, Latin and Persian`, () => {
      const icu = new Intl.ListFormat(LOCALE[lang], { style: 'short', type: 'conjunction' });
      for (const pool of [['php_swoole_app', 'php_swoole_app_new', '⁦web-1⁩', 'b', 'c', 'd'], ['نمونه', 'دیگری', 'سوم', 'a', 'b', 'c']]) {
        for (let n = 0; n <= pool.length; n++) expect(conjunction(lang, pool.slice(0, n))).toBe(icu.format(pool.slice(0, n)));
      }
    });
  }
});
