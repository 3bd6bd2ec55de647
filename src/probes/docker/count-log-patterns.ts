import type { LogPatternCount, LogStats } from '../../core/facts.js';
import { PGBOUNCER_LOG_PATTERNS } from '../../core/pgbouncer-signs.js';

export interface LogPatterns {
  workerStart: string;
  serverFull: string[];
  poolExhausted: string[];
}

/** `2026-11-26T18:48:16.798240821Z ` — what the engine puts before each line with timestamps on. */
const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))\s/;

/**
 * Counts the runbook's log lines in a tail of a container's log: worker starts, the server's
 * "full" refusals, the app pool's exhaustion and PgBouncer's refusals, each with the time of the
 * latest match. Lines stamped before `since` are left out. Pure: the lines come from the engine
 * (stdout and stderr already apart, either order).
 */
export function countLogPatterns(lines: Iterable<string>, patterns: LogPatterns, since: string | null): LogStats {
  const counters = {
    workerStarts: counter(patterns.workerStart),
    serverFull: patterns.serverFull.map(counter),
    poolExhausted: patterns.poolExhausted.map(counter),
    // PgBouncer's refusals, always: they say a pooler is in the path even when nobody configured one.
    pgbouncerErrors: Object.values(PGBOUNCER_LOG_PATTERNS).map(counter),
  };
  const all = [counters.workerStarts, ...counters.serverFull, ...counters.poolExhausted, ...counters.pgbouncerErrors];
  const sinceMs = since === null ? -Infinity : Date.parse(since);
  let linesRead = 0;
  for (const raw of lines) {
    if (raw === '') continue;
    const m = TIMESTAMP.exec(raw);
    const at = m?.[1] ? Date.parse(m[1]) : NaN;
    if (at < sinceMs) continue;
    linesRead++;
    const text = m ? raw.slice(m[0].length) : raw;
    for (const c of all) {
      const match = c.regex.exec(text);
      if (!match) continue;
      c.count++;
      c.lastMatch = quote(text.slice(match.index));
      if (!Number.isNaN(at) && at > c.lastMs) c.lastMs = at;
    }
  }
  return {
    linesRead,
    since,
    workerStarts: result(counters.workerStarts),
    serverFull: counters.serverFull.map(result),
    poolExhausted: counters.poolExhausted.map(result),
    pgbouncerErrors: counters.pgbouncerErrors.map(result),
  };
}

interface Counter {
  pattern: string;
  regex: RegExp;
  count: number;
  lastMs: number;
  lastMatch: string | null;
}

const QUOTE_MAX = 100;

/** What the app logged, from the match on: the report quotes it rather than naming the pattern. */
function quote(s: string): string {
  const line = s.trimEnd();
  return line.length <= QUOTE_MAX ? line : `${line.slice(0, QUOTE_MAX - 1)}…`;
}

function counter(pattern: string): Counter {
  return { pattern, regex: new RegExp(pattern), count: 0, lastMs: -Infinity, lastMatch: null };
}

function result(c: Counter): LogPatternCount {
  return { pattern: c.pattern, count: c.count, lastSeen: c.lastMs === -Infinity ? null : new Date(c.lastMs).toISOString(), lastMatch: c.lastMatch };
}

/** Lines of a buffer, without the trailing empty one. */
export function* splitLines(buf: Buffer): Generator<string> {
  let start = 0;
  while (start < buf.length) {
    let end = buf.indexOf(10, start);
    if (end === -1) end = buf.length;
    const line = buf.toString('utf8', start, end > start && buf[end - 1] === 13 ? end - 1 : end);
    yield line;
    start = end + 1;
  }
}
