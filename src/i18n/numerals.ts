import type { Lang } from './catalog.js';

/**
 * Numbers and plural categories exactly as ICU gives them (Intl.NumberFormat without grouping, at
 * most 2 fraction digits; Intl.PluralRules), without ICU for the numbers reports are made of. The
 * first Intl.NumberFormat of a process loads ICU's locale data: about 12 ms, a tenth of a whole
 * `dbpool status` run. A non-negative finite number in plain notation is written here; anything
 * else (negative, NaN, an exponent, beyond 10^15) goes to ICU itself. test/i18n/numerals.test.ts
 * checks both paths against Intl over thousands of values, so a Node whose ICU writes otherwise
 * fails there.
 */
export interface Numerals {
  /** At most 2 fraction digits, rounded half away from zero on the shortest decimal, as ICU does. */
  num(n: number): string;
  /** A whole percent: 75 -> "75%", «۷۵٪». */
  percent(n: number): string;
  plural(n: number): 'one' | 'other';
}

/** The ICU locale of each language. */
export const LOCALE: Record<Lang, string> = { en: 'en-US', fa: 'fa-IR' };
const DIGITS: Record<Lang, string | null> = { en: null, fa: '۰۱۲۳۴۵۶۷۸۹' };
const DECIMAL: Record<Lang, string> = { en: '.', fa: '٫' };
const PERCENT: Record<Lang, string> = { en: '%', fa: '٪' };

/** Beyond this, ICU's own arithmetic (a percent's x100, plural operands in exponent form) decides. */
const SMALL = 1e15;

export function createNumerals(lang: Lang): Numerals {
  const locale = LOCALE[lang];
  const icuNumber = once(() => new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: false }));
  const icuPercent = once(() => new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0, useGrouping: false }));
  const icuPlural = once(() => new Intl.PluralRules(locale));
  const digits = DIGITS[lang];
  const write = (ascii: string) => {
    const local = digits === null ? ascii : ascii.replace(/[0-9]/g, (d) => digits[d.charCodeAt(0) - 48]!);
    return local.replace('.', DECIMAL[lang]);
  };
  return {
    num(n) {
      const plain = plainDecimal(n);
      return plain === null ? icuNumber().format(n) : write(roundTo2(plain));
    },
    percent(n) {
      const whole = Math.round(n);
      return plainDecimal(whole) === null || whole > SMALL ? icuPercent().format(whole / 100) : `${write(String(whole))}${PERCENT[lang]}`;
    },
    plural(n) {
      const a = Math.abs(n);
      if (!(a <= SMALL)) return icuPlural().select(n) === 'one' ? 'one' : 'other';
      // CLDR: English "one" is i = 1 and v = 0; Persian "one" is i = 0 or n = 1.
      return (lang === 'en' ? a === 1 : a <= 1) ? 'one' : 'other';
    },
  };
}

/** The shortest decimal of n when it is finite, not negative and written without an exponent; else null. */
function plainDecimal(n: number): string | null {
  if (!Number.isFinite(n) || n < 0 || Object.is(n, -0)) return null;
  const s = String(n);
  return s.includes('e') ? null : s;
}

/** "2.675" -> "2.68", "1.50" never occurs (shortest form), "0.999" -> "1". */
function roundTo2(decimal: string): string {
  const [whole = '0', fraction = ''] = decimal.split('.');
  if (fraction.length <= 2) return decimal;
  let scaled = BigInt(whole + fraction.slice(0, 2));
  if (fraction.charCodeAt(2) >= 53 /* '5' */) scaled += 1n;
  const text = scaled.toString().padStart(3, '0');
  const kept = text.slice(-2).replace(/0+$/, '');
  return kept ? `${text.slice(0, -2)}.${kept}` : text.slice(0, -2);
}

/** Made on the first call and kept: each Intl object loads ICU data when made. */
function once<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}
