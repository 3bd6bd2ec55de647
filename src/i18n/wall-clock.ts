import type { Lang } from './catalog.js';

/**
 * "1 Dec 2026, 06:35" and «۱۰ آذر ۱۴۰۵ ساعت ۰۶:۳۵»: what Intl.DateTimeFormat writes for a report's
 * time (en-GB; fa-IR in the Persian calendar), without it. The first DateTimeFormat of a process
 * sets up ICU's date patterns, about 13 ms of a `dbpool status` run; Date's own local time, on the
 * same ICU zone data, costs a fraction of a millisecond. test/i18n/wall-clock.test.ts checks every
 * day of 1970-2100 and the zones' changes against Intl.DateTimeFormat.
 */
const EN_MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'];
const FA_MONTHS = ['فروردین', 'اردیبهشت', 'خرداد', 'تیر', 'مرداد', 'شهریور', 'مهر', 'آبان', 'آذر', 'دی', 'بهمن', 'اسفند'];
const FA_DIGITS = '۰۱۲۳۴۵۶۷۸۹';

export function formatWallClock(lang: Lang, instant: Date, timeZone: string): string {
  const local = new Date(instant.getTime() + zoneOffsetMinutes(timeZone, instant) * 60_000);
  const time = `${pad2(local.getUTCHours())}:${pad2(local.getUTCMinutes())}`;
  if (lang === 'en') return `${local.getUTCDate()} ${EN_MONTHS[local.getUTCMonth()]} ${local.getUTCFullYear()}, ${time}`;
  const p = persianDate(local);
  return faDigits(`${p.day} ${FA_MONTHS[p.month]} ${p.year} ساعت ${time}`);
}

/**
 * Minutes east of UTC in `timeZone` at `instant`, read through Date's local time: Node re-reads the
 * zone when TZ is assigned (documented), and the caller's TZ is put back before anything else runs.
 */
export function zoneOffsetMinutes(timeZone: string, instant: Date): number {
  if (timeZone === 'UTC' || timeZone === 'Etc/UTC') return 0;
  const before = process.env.TZ;
  process.env.TZ = timeZone;
  try {
    return -instant.getTimezoneOffset();
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

/**
 * The Solar Hijri date of a Gregorian day (the UTC fields of `day`), by ICU's own arithmetic rule
 * (a 33-year cycle of leap years; persncal.cpp), which is what the fa-IR-u-ca-persian format uses.
 */
function persianDate(day: Date): { year: number; month: number; day: number } {
  const PERSIAN_EPOCH_DAYS = -492_268; // 1 Farvardin 1, days from 1970-01-01 (Julian day 1948320.5)
  const sinceEpoch = Math.floor(day.getTime() / 86_400_000) - PERSIAN_EPOCH_DAYS;
  const year = 1 + Math.floor((33 * sinceEpoch + 3) / 12_053);
  const farvardin1 = 365 * (year - 1) + Math.floor((8 * year + 21) / 33);
  const dayOfYear = sinceEpoch - farvardin1;
  // The first six months have 31 days, the next five 30, Esfand 29 or 30.
  const month = dayOfYear < 186 ? Math.floor(dayOfYear / 31) : Math.floor((dayOfYear - 6) / 30);
  const monthStart = month < 6 ? 31 * month : 30 * month + 6;
  return { year, month, day: dayOfYear - monthStart + 1 };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

function faDigits(s: string): string {
  return s.replace(/[0-9]/g, (d) => FA_DIGITS[d.charCodeAt(0) - 48]!);
}
