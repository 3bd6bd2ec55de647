import type { AppInstance, ConnectionStates, Facts, IdleSession, LogPatternCount, PostgresFacts } from './facts.js';

/**
 * Facts derived from the observations, computed here once: renderers, the sampler, the actions and
 * the metrics read these instead of deriving them again (and differently).
 */

/**
 * Every instance of every source, running or not, each once: a replica two engines see (a task a
 * Swarm manager lists on another node, and that node's own engine) is kept as the engine that
 * looked into it saw it.
 */
export function allInstances(facts: Pick<Facts, 'instances'>): AppInstance[] {
  const byId = new Map<string, AppInstance>();
  for (const i of facts.instances.flatMap((s) => s.instances)) {
    const seen = byId.get(i.id);
    if (!seen || insight(i) > insight(seen)) byId.set(i.id, i);
  }
  return [...byId.values()];
}

function insight(i: AppInstance): number {
  return (i.processes ? 2 : 0) + (i.logs ? 1 : 0);
}

/** The running instances: the only ones whose pools hold connections. */
export function runningInstances(facts: Pick<Facts, 'instances'>): AppInstance[] {
  return allInstances(facts).filter((i) => i.state === 'running');
}

/** Sources that could not be read: while any is blind, instance counts are unknown, never zero. */
export function unreadSources(facts: Pick<Facts, 'instances'>): string[] {
  return facts.instances.filter((s) => !s.ok).map((s) => s.source);
}

/** How many instances run, or null when a source could not be read (or none is configured). */
export function runningCount(facts: Pick<Facts, 'instances'>): number | null {
  if (facts.instances.length === 0 || unreadSources(facts).length > 0) return null;
  return runningInstances(facts).length;
}

/** Slots the app's roles can use: max_connections minus the reserved slots, never below zero. */
export function usableSlots(pg: Pick<PostgresFacts, 'maxConnections' | 'superuserReservedConnections' | 'reservedConnections'>): number {
  return Math.max(0, pg.maxConnections - pg.superuserReservedConnections - pg.reservedConnections);
}

/** Sessions idle inside a transaction, aborted or not: they hold a connection and locks. */
export function inTransaction(states: ConnectionStates): number {
  return states.idleInTransaction + states.idleInTransactionAborted;
}

/** Matches over several log patterns together, and the latest of them. */
export function sumPatterns(list: Pick<LogPatternCount, 'count' | 'lastSeen' | 'lastMatch'>[]): { count: number; lastSeen: string | null; quote: string | null } {
  let count = 0;
  let lastSeen: string | null = null;
  let quote: string | null = null;
  for (const p of list) {
    count += p.count;
    if (p.lastSeen && (!lastSeen || p.lastSeen > lastSeen)) lastSeen = p.lastSeen;
    // The quote of the latest match, or of the first pattern that matched when no line had a time.
    if (p.lastMatch && (quote === null || (p.lastSeen !== null && p.lastSeen === lastSeen))) quote = p.lastMatch;
  }
  return { count, lastSeen, quote };
}

/** "Server full" lines and worker starts in the logs of the running instances; null when no log was read. */
export function logTotals(facts: Pick<Facts, 'instances'>): { serverFull: number; workerStarts: number } | null {
  const logs = runningInstances(facts).flatMap((i) => (i.logs ? [i.logs] : []));
  if (logs.length === 0) return null;
  return {
    serverFull: logs.reduce((s, l) => s + sumPatterns(l.serverFull).count, 0),
    workerStarts: logs.reduce((s, l) => s + l.workerStarts.count, 0),
  };
}

/** The idle sessions terminate-idle may touch: the app's, never a superuser's or another tool's. */
export function appIdleSessions(pg: Pick<PostgresFacts, 'idleSessions'>): IdleSession[] {
  return pg.idleSessions.filter((s) => s.app);
}

/** Sessions counted per role, the largest first: what a plan says it touches. */
export function sessionsByRole(sessions: Pick<IdleSession, 'user'>[]): { role: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const s of sessions) counts.set(s.user ?? '?', (counts.get(s.user ?? '?') ?? 0) + 1);
  return [...counts].map(([role, count]) => ({ role, count })).sort((a, b) => b.count - a.count || a.role.localeCompare(b.role));
}
