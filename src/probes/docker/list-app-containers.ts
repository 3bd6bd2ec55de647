import type { EngineReads } from './engine-reads.js';

/** Which containers are the app's: a name matching the pattern, or a label (`key` or `key=value`). */
export interface ContainerSelector {
  namePattern: RegExp;
  label?: { key: string; value?: string };
}

export interface AppContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  /** Creation time from the listing (whole seconds); inspect gives the exact one. */
  createdAt: string;
  /** Its labels: Swarm's and Compose's say which service manages it. */
  labels?: Record<string, string>;
}

export function parseLabelSelector(label: string | undefined): ContainerSelector['label'] {
  if (!label?.trim()) return undefined;
  const eq = label.indexOf('=');
  return eq === -1 ? { key: label.trim() } : { key: label.slice(0, eq).trim(), value: label.slice(eq + 1).trim() };
}

export function selectsContainer(selector: ContainerSelector, name: string, labels: Record<string, string> | undefined): boolean {
  if (selector.namePattern.test(name)) return true;
  const l = selector.label;
  if (!l || !labels || !(l.key in labels)) return false;
  return l.value === undefined || labels[l.key] === l.value;
}

/**
 * The runbook's `docker ps | grep php_swoole`: running containers only (a stopped one holds no
 * connections). The name is matched here, with JavaScript's regex, not by the engine's Go one.
 */
export async function listAppContainers(
  docker: EngineReads,
  selector: ContainerSelector,
  signal: AbortSignal,
  /** Also these, whatever their names: the task containers of the app's Swarm services (by service ID). */
  swarmServiceIds?: Promise<ReadonlySet<string>>,
): Promise<AppContainer[]> {
  const listed = await docker.listContainers({ all: false, abortSignal: signal });
  const named = listed.map((c) => ({
    c,
    // Names are "/name"; linked containers add "/other/alias" entries, which are not names.
    name: (c.Names ?? []).map((n) => n.replace(/^\//, '')).find((n) => !n.includes('/')) ?? c.Id.slice(0, 12),
    serviceId: c.Labels?.['com.docker.swarm.service.id'],
  }));
  const matched = named.map((x) => selectsContainer(selector, x.name, x.c.Labels));
  // Only a Swarm task the name and label do not select waits for the services (selected by their own labels).
  const services = named.some((x, i) => !matched[i] && x.serviceId) ? ((await swarmServiceIds) ?? new Set<string>()) : new Set<string>();
  return named.flatMap(({ c, name, serviceId }, i) => {
    if (!matched[i] && !(serviceId && services.has(serviceId))) return [];
    return [{ id: c.Id, name, image: c.Image, state: c.State, createdAt: new Date(c.Created * 1000).toISOString(), labels: c.Labels ?? {} }];
  });
}
