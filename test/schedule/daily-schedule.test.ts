import { describe, expect, it } from 'vitest';
import { addDays, dueRun, localDateOf, scheduledInstant } from '../../src/schedule/daily-schedule.js';

const tehran = { time: '09:00', timeZone: 'Asia/Tehran' };

describe('daily schedule', () => {
  it('09:00 in Tehran (UTC+3:30) is 05:30 UTC', () => {
    expect(scheduledInstant('2026-11-26', tehran).toISOString()).toBe('2026-11-26T05:30:00.000Z');
  });

  it('takes the local date in the zone, not in UTC', () => {
    // 21:00 UTC is already 00:30 of the next day in Tehran.
    expect(localDateOf(new Date('2026-11-26T21:00:00Z'), 'Asia/Tehran')).toBe('2026-11-27');
    expect(dueRun(new Date('2026-11-27T05:31:00Z'), tehran, 180)?.localDate).toBe('2026-11-27');
  });

  it('handles other zones and DST (New York in July is UTC-4)', () => {
    expect(scheduledInstant('2026-07-01', { time: '09:00', timeZone: 'America/New_York' }).toISOString()).toBe('2026-07-01T13:00:00.000Z');
    expect(scheduledInstant('2026-12-01', { time: '09:00', timeZone: 'America/New_York' }).toISOString()).toBe('2026-12-01T14:00:00.000Z');
  });

  it('is due at the time and while within the grace window, not before and not after', () => {
    expect(dueRun(new Date('2026-11-26T05:29:59Z'), tehran, 180)).toBeNull();
    expect(dueRun(new Date('2026-11-26T05:30:00Z'), tehran, 180)).toMatchObject({ localDate: '2026-11-26', lateMs: 0 });
    expect(dueRun(new Date('2026-11-26T08:30:00Z'), tehran, 180)).toMatchObject({ localDate: '2026-11-26', lateMs: 3 * 3600_000 });
    expect(dueRun(new Date('2026-11-26T08:30:01Z'), tehran, 180)).toBeNull();
  });

  it('a run of yesterday is due just after midnight when the grace reaches that far', () => {
    const lateTime = { time: '23:50', timeZone: 'Asia/Tehran' };
    // 00:10 Tehran on the 27th = 20:40 UTC on the 26th.
    expect(dueRun(new Date('2026-11-26T20:40:00Z'), lateTime, 30)).toMatchObject({ localDate: '2026-11-26' });
  });

  it('adds days across month ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2026-03-01', -1)).toBe('2026-02-28');
  });
});
