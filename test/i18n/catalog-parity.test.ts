import { describe, expect, it } from 'vitest';
import { en } from '../../src/i18n/en.js';
import { fa } from '../../src/i18n/fa.js';
import { createFormatter } from '../../src/i18n/format.js';

/** Every key path of a catalog, with the kind of its value. */
function shape(value: unknown, prefix = ''): string[] {
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => shape(v, prefix ? `${prefix}.${k}` : k)).sort();
  }
  return [`${prefix}:${typeof value}`];
}

describe('message catalogs', () => {
  it('fa and en have exactly the same keys', () => {
    expect(shape(fa)).toEqual(shape(en));
  });

  it('no Persian text in the English catalog', () => {
    expect(JSON.stringify(shape(en))).not.toMatch(/[\u0600-\u06FF]/);
    const strings = Object.values(en.label).filter((v): v is string => typeof v === 'string');
    for (const s of strings) expect(s).not.toMatch(/[\u0600-\u06FF]/);
  });

  it('Persian numbers use Persian digits and the Persian calendar', () => {
    const f = createFormatter('fa');
    expect(f.num(1234)).toBe('۱۲۳۴');
    expect(f.percent(82)).toBe('۸۲٪');
    expect(f.percent(105)).toBe('۱۰۵٪');
    expect(f.dateTime('2026-11-26T10:00:00Z')).toContain('۱۴۰۵');
    expect(f.duration(3 * 86400 + 4 * 3600)).toBe('۳ روز و ۴ ساعت');
    expect(f.code('DB_POOL_SIZE')).toBe('\u2066DB_POOL_SIZE\u2069');
  });

  it('English uses Latin digits and the Gregorian calendar', () => {
    const f = createFormatter('en');
    expect(f.num(1234)).toBe('1234');
    expect(f.dateTime('2026-11-26T10:00:00Z')).toContain('2026');
    expect(f.duration(610)).toBe('10m 10s');
  });

  it('a time says its clock the way people say it, in both languages', () => {
    expect(createFormatter('fa', { timeZone: 'Asia/Tehran' }).dateTime('2026-11-26T10:00:00Z')).toBe('۵ آذر ۱۴۰۵ ساعت ۱۳:۳۰ به وقت تهران');
    expect(createFormatter('en', { timeZone: 'Asia/Tehran' }).dateTime('2026-11-26T10:00:00Z')).toBe('26 Nov 2026, 13:30 Tehran time');
    expect(createFormatter('en').dateTime('2026-11-26T10:00:00Z')).toBe('26 Nov 2026, 10:00 UTC');
    expect(createFormatter('fa', { timeZone: 'Europe/Berlin' }).dateTime('2026-11-26T10:00:00Z')).toMatch(/^۵ آذر ۱۴۰۵ ساعت ۱۱:۰۰ به وقت [\u0600-\u06FF ]+$/);
  });
});
