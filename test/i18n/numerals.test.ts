/**
 * Numbers and plurals written without ICU must be ICU's, character for character: every value here
 * is formatted both ways, on the Node that runs the tests (CI runs them on Node 20 and 24).
 */
import { describe, expect, it } from 'vitest';
import { createFormatter } from '../../src/i18n/format.js';
import { createNumerals, LOCALE } from '../../src/i18n/numerals.js';

const LANGS = ['en', 'fa'] as const;

/** Whole numbers, report-like fractions, halves at every place, and the values ICU alone writes. */
function values(): number[] {
  const out = [0, -0, 1, 2, 5, 10, 37, 100, 999, 1000, 1234567, 2 ** 31, Number.MAX_SAFE_INTEGER, 1e20, 1e21, 1e-7, 5e-7, 0.1 + 0.2];
  out.push(NaN, Infinity, -Infinity, -1, -3.5, -0.004, -0.005, -1234.567);
  for (let i = 0; i <= 2000; i++) out.push(i / 1000, i / 200, i / 8, i * 0.07, i / 3);
  for (const base of [0, 1, 2, 10, 99]) for (const f of [0.005, 0.015, 0.025, 0.125, 0.135, 0.145, 0.675, 0.995, 0.9949, 0.9951]) out.push(base + f);
  let seed = 42;
  for (let i = 0; i < 2000; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    out.push((seed / 2 ** 31) * 10 ** ((i % 7) - 2));
  }
  return out;
}

describe('numbers and plurals without ICU', () => {
  for (const lang of LANGS) {
    it(`${lang}: num writes what Intl.NumberFormat writes`, () => {
      const icu = new Intl.NumberFormat(LOCALE[lang], { maximumFractionDigits: 2, useGrouping: false });
      const ours = createNumerals(lang);
      const wrong = values().filter((n) => ours.num(n) !== icu.format(n)).map((n) => `${n}: ${ours.num(n)} != ${icu.format(n)}`);
      expect(wrong).toEqual([]);
    });

    it(`${lang}: percent writes what a percent Intl.NumberFormat writes of the rounded value`, () => {
      const icu = new Intl.NumberFormat(LOCALE[lang], { style: 'percent', maximumFractionDigits: 0, useGrouping: false });
      const ours = createNumerals(lang);
      const wrong = values().filter((n) => ours.percent(n) !== icu.format(Math.round(n) / 100)).map((n) => `${n}: ${ours.percent(n)}`);
      expect(wrong).toEqual([]);
    });

    it(`${lang}: plural picks what Intl.PluralRules picks`, () => {
      const icu = new Intl.PluralRules(LOCALE[lang]);
      const ours = createNumerals(lang);
      const wrong = values().filter((n) => ours.plural(n) !== (icu.select(n) === 'one' ? 'one' : 'other')).map((n) => `${n}: ${ours.plural(n)}`);
      expect(wrong).toEqual([]);
    });
  }

  it('reads as before in a report: Persian digits, the Persian decimal separator and percent sign', () => {
    const fa = createFormatter('fa');
    expect([fa.num(37), fa.num(2.5), fa.percent(75), fa.count(1, { one: 'نمونه', other: 'نمونه' })]).toEqual(['۳۷', '۲٫۵', '۷۵٪', '۱ نمونه']);
    const en = createFormatter('en');
    expect([en.num(1234), en.percent(104.6), en.count(1, { one: 'instance', other: 'instances' }), en.count(0, { one: 'instance', other: 'instances' })]).toEqual([
      '1234',
      '105%',
      '1 instance',
      '0 instances',
    ]);
  });
});
