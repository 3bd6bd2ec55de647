/** A report's time written without ICU must be Intl.DateTimeFormat's, character for character. */
import { afterEach, describe, expect, it } from 'vitest';
import { formatWallClock, zoneOffsetMinutes } from '../../src/i18n/wall-clock.js';

const ZONES = ['Asia/Tehran', 'America/New_York', 'Asia/Kathmandu', 'Pacific/Chatham', 'America/St_Johns'];

function icu(lang: 'en' | 'fa', timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(lang === 'fa' ? 'fa-IR-u-ca-persian' : 'en-GB', {
    year: 'numeric',
    month: lang === 'fa' ? 'long' : 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  });
}

describe('a report time without ICU', () => {
  const tz = process.env.TZ;
  afterEach(() => {
    if (tz === undefined) delete process.env.TZ;
    else process.env.TZ = tz;
  });

  for (const lang of ['en', 'fa'] as const) {
    it(`${lang}: every day of 1970-2100, at times of day that move through the whole day, in the Tehran clock and in UTC`, () => {
      const wrong: string[] = [];
      for (const zone of ['Asia/Tehran', 'UTC']) {
        const format = icu(lang, zone);
        // A step of a day and 7 minutes meets every day and, over the years, every time of day.
        for (let t = Date.UTC(1970, 0, 1, 0, 7); t < Date.UTC(2101, 0, 1); t += 24 * 3_600_000 + 7 * 60_000) {
          const at = new Date(t);
          if (formatWallClock(lang, at, zone) !== format.format(at)) wrong.push(`${zone} ${at.toISOString()}: ${formatWallClock(lang, at, zone)} != ${format.format(at)}`);
          if (wrong.length > 5) break;
        }
      }
      expect(wrong).toEqual([]);
    });

    it(`${lang}: zones with odd offsets, every 15 minutes of the days their offset changes, 2000-2030`, () => {
      const wrong: string[] = [];
      const check = (zone: string, format: Intl.DateTimeFormat, at: Date) => {
        if (formatWallClock(lang, at, zone) !== format.format(at)) wrong.push(`${zone} ${at.toISOString()}: ${formatWallClock(lang, at, zone)} != ${format.format(at)}`);
      };
      for (const zone of ZONES) {
        const format = icu(lang, zone);
        const DAY = 24 * 3_600_000;
        let offset = zoneOffsetMinutes(zone, new Date(Date.UTC(2000, 0, 1, 12)));
        for (let t = Date.UTC(2000, 0, 1, 12); t < Date.UTC(2030, 0, 1); t += DAY) {
          const next = zoneOffsetMinutes(zone, new Date(t + DAY));
          if (next !== offset) for (let u = t; u < t + DAY; u += 15 * 60_000) check(zone, format, new Date(u));
          else if (t % (7 * DAY) < DAY) check(zone, format, new Date(t));
          offset = next;
        }
      }
      expect(wrong.slice(0, 5)).toEqual([]);
    });
  }

  it("puts the process's own zone back, set or not", () => {
    const winter = new Date(Date.UTC(2026, 0, 15));
    process.env.TZ = 'America/New_York';
    expect(zoneOffsetMinutes('Asia/Kathmandu', winter)).toBe(345);
    expect(process.env.TZ).toBe('America/New_York');
    expect(winter.getTimezoneOffset()).toBe(300);
    delete process.env.TZ;
    const system = new Date(winter).getTimezoneOffset();
    expect(zoneOffsetMinutes('Asia/Tehran', winter)).toBe(210);
    expect('TZ' in process.env).toBe(false);
    expect(winter.getTimezoneOffset()).toBe(system);
  });
});
