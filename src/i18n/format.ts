import type { Lang } from './catalog.js';
import { catalogFor } from './index.js';
import { conjunction } from './conjunction.js';
import { createNumerals } from './numerals.js';
import { formatWallClock } from './wall-clock.js';

/** How numbers, times and literal text look in one language and one medium (terminal, Slack). */
export interface Formatter {
  lang: Lang;
  num(n: number): string;
  percent(n: number): string;
  /** Identifiers, commands, SQL: kept left-to-right and verbatim. */
  code(s: string): string;
  /** A duration in seconds: "3d 4h", "۳ روز ۴ ساعت". */
  duration(seconds: number): string;
  /** An instant, in the language's calendar (Persian calendar in Persian), on the configured clock, said by name ("Tehran time"). */
  dateTime(iso: string): string;
  list(items: string[]): string;
  /** The word that goes with n, chosen by the language's plural rules (CLDR's, as Intl.PluralRules gives them). */
  plural(n: number, forms: PluralForms): string;
  /** n and its word: "1 instance", "2 instances", «۲ نمونه». */
  count(n: number, forms: PluralForms): string;
}

/**
 * The forms a word takes after a number. English: one/other. Persian puts the singular noun after
 * any number («۲ نمونه»), so its forms differ only where a verb or a phrase agrees with the number.
 */
export interface PluralForms {
  one: string;
  other: string;
}

export interface FormatterOptions {
  /** Wraps literal text; the medium decides (backticks for Slack, bidi isolates in a terminal). */
  code?: (s: string) => string;
  /** The one clock every time is shown on (config.timeZone); UTC when none is given. */
  timeZone?: string;
}

const UNITS: Record<Lang, [string, string, string, string]> = {
  en: ['d', 'h', 'm', 's'],
  fa: [' روز', ' ساعت', ' دقیقه', ' ثانیه'],
};

/** Left-to-right isolate: keeps identifiers and SQL readable inside right-to-left text. */
export function ltrIsolate(s: string): string {
  return `\u2066${s}\u2069`;
}

export function createFormatter(lang: Lang, options: FormatterOptions = {}): Formatter {
  // Numbers and plurals as ICU writes them, without loading ICU for them (numerals.ts).
  const numerals = createNumerals(lang);
  const timeZone = options.timeZone ?? 'UTC';
  // ICU names the zone by its offset («‎+۳:۳۰ گرینویچ», "GMT+3:30"); people say "Tehran time".
  const zoneName = catalogFor(lang).zoneName(timeZone);
  const code = options.code ?? (lang === 'fa' ? ltrIsolate : (s: string) => s);
  const plural = (n: number, forms: PluralForms) => (numerals.plural(n) === 'one' ? forms.one : forms.other);
  const [d, h, m, s] = UNITS[lang];
  const sep = lang === 'fa' ? ' و ' : ' ';
  return {
    lang,
    num: numerals.num,
    percent: numerals.percent,
    code,
    duration(seconds) {
      const total = Math.max(0, Math.round(seconds));
      const parts: [number, string][] = [
        [Math.floor(total / 86400), d],
        [Math.floor((total % 86400) / 3600), h],
        [Math.floor((total % 3600) / 60), m],
        [total % 60, s],
      ];
      const shown = parts.filter(([v]) => v > 0).slice(0, 2);
      if (shown.length === 0) return `${numerals.num(0)}${s}`;
      return shown.map(([v, unit]) => `${numerals.num(v)}${unit}`).join(sep);
    },
    dateTime: (iso) => `${formatWallClock(lang, new Date(iso), timeZone)} ${zoneName}`,
    list: (items) => conjunction(lang, items),
    plural,
    count: (n, forms) => `${numerals.num(n)} ${plural(n, forms)}`,
  };
}
