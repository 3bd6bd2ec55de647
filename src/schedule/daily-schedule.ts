/**
 * When the daily summary runs: pure functions over an instant, a local time and an IANA time zone.
 * A run is identified by its local date (YYYY-MM-DD in the zone); summary-runs.ts claims that date
 * once, so "due" may be answered true many times without the summary going out twice.
 */

export interface DailyTime {
  /** HH:MM, 24-hour, local to timeZone. */
  time: string;
  timeZone: string;
}

export interface DueRun {
  /** The run's local date in the zone: its identity. */
  localDate: string;
  scheduledAt: Date;
  /** now - scheduledAt; more than zero when the run was missed and is caught up. */
  lateMs: number;
}

/** The local calendar date (YYYY-MM-DD) of an instant in a zone. */
export function localDateOf(at: Date, timeZone: string): string {
  const p = zonedParts(at, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/** The instant at which `localDate` (YYYY-MM-DD) reaches the daily time in the zone. */
export function scheduledInstant(localDate: string, daily: DailyTime): Date {
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  const [hh, mm] = daily.time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  // Offset at a first guess, then again at the result: right across a DST change but for the skipped hour.
  let guess = wall - offsetMs(new Date(wall), daily.timeZone);
  guess = wall - offsetMs(new Date(guess), daily.timeZone);
  return new Date(guess);
}

/**
 * The run that should be happening at `now`: the latest scheduled run at or before `now`, if it is at
 * most `graceMinutes` old (a run missed while the bot was down is still posted within the grace
 * window, and not after). Null when nothing is due.
 */
export function dueRun(now: Date, daily: DailyTime, graceMinutes: number): DueRun | null {
  const today = localDateOf(now, daily.timeZone);
  let localDate = today;
  let scheduledAt = scheduledInstant(today, daily);
  if (scheduledAt > now) {
    localDate = addDays(today, -1);
    scheduledAt = scheduledInstant(localDate, daily);
  }
  const lateMs = now.getTime() - scheduledAt.getTime();
  return lateMs <= graceMinutes * 60_000 ? { localDate, scheduledAt, lateMs } : null;
}

export function addDays(localDate: string, days: number): string {
  const [y, m, d] = localDate.split('-').map(Number) as [number, number, number];
  const t = new Date(Date.UTC(y, m - 1, d + days));
  return `${t.getUTCFullYear()}-${pad(t.getUTCMonth() + 1)}-${pad(t.getUTCDate())}`;
}

/** The zone's offset from UTC at an instant, in ms (Tehran: +3.5 h). */
function offsetMs(at: Date, timeZone: string): number {
  const p = zonedParts(at, timeZone);
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function zonedParts(at: Date, timeZone: string): Record<'year' | 'month' | 'day' | 'hour' | 'minute' | 'second', number> {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      calendar: 'gregory',
      numberingSystem: 'latn',
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of f.formatToParts(at)) {
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  }
  return out;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
