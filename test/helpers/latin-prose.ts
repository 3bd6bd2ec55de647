/** Words that are names in Persian text too: products, and the Swoole process roles. */
export const NAMES = new Set(['PostgreSQL', 'Docker', 'Slack', 'PgBouncer', 'dbpool', 'pool', 'worker', 'task', 'image', 'env', 'kill', 'TLS', 'CA', 'ssl', 'psql', 'CLI', 'p95', 'pid', 'Pool', 'max_connections', 'UTC']);

/**
 * Runs of Latin prose outside code spans: two words or more that are not names. `codeSpan` matches
 * the medium's code spans (backticks in Slack, bidi isolates in a terminal, a test's own brackets).
 */
export function latinProse(text: string, codeSpan: RegExp = /`[^`]*`/g): string[] {
  const outside = text.replace(codeSpan, ' ').replace(/`[^`]*`/g, ' ').replace(/\u2066[^\u2069]*\u2069/g, ' ').replace(/:[a-z_]+:/g, ' ').replace(/<[^>]*>/g, ' ');
  const runs = outside.match(/[A-Za-z][A-Za-z'-]*(?:[ ,]+[A-Za-z][A-Za-z'-]*)+/g) ?? [];
  return runs.filter((run) => run.split(/[ ,]+/).filter((w) => !NAMES.has(w)).length >= 2);
}
