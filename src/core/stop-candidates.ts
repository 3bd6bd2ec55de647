import type { AppInstance } from './facts.js';

export interface StopCandidate {
  id: string;
  name: string;
  source: AppInstance['source'];
  location: string;
  createdAt: string | undefined;
}

/**
 * More instances running than expected: keep the newest `expected` ones and propose stopping the
 * older ones (the typical case is an old container left running beside the new one after a deploy).
 * An instance without a creation time is treated as the oldest, and never proposed when that would
 * leave fewer than `expected` running.
 */
export function findStopCandidates(instances: AppInstance[], expected: number): StopCandidate[] {
  const running = instances.filter((i) => i.state === 'running');
  if (running.length <= expected) return [];
  const newestFirst = [...running].sort((a, b) => createdMs(b) - createdMs(a));
  return newestFirst
    .slice(expected)
    .reverse()
    .map((i) => ({ id: i.id, name: i.name, source: i.source, location: i.location, createdAt: i.createdAt }));
}

function createdMs(i: AppInstance): number {
  const t = i.createdAt ? Date.parse(i.createdAt) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}
