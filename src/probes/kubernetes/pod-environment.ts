import type { ProbeError } from '../../core/facts.js';

/** The parts of a container spec that set its environment. */
export interface ContainerEnvSpec {
  name: string;
  image?: string;
  env?: {
    name: string;
    value?: string;
    valueFrom?: { configMapKeyRef?: { name: string; key: string; optional?: boolean }; secretKeyRef?: { name: string; key: string }; fieldRef?: object; resourceFieldRef?: object };
  }[];
  envFrom?: { prefix?: string; configMapRef?: { name: string; optional?: boolean }; secretRef?: { name: string } }[];
}

/** A ConfigMap's data, or why it could not be read (a 403 is a finding; a missing optional one is nothing). */
export type ConfigMapRead = { ok: true; data: Record<string, string> } | { ok: false; error: ProbeError };

export interface ResolvedEnvironment {
  vars: Map<string, string>;
  /** Variables whose value dbpool does not read (a Secret) or could not (a ConfigMap it may not get), with why. */
  unread: Map<string, string>;
  errors: ProbeError[];
}

/**
 * What the container's process gets as its environment, as the kubelet builds it: envFrom in order
 * (a later source wins), then env (wins over envFrom). ConfigMaps are read through the API;
 * Secrets never are: a variable from one is "not read", so a pool size kept in a Secret stays unknown.
 */
export function resolveEnvironment(container: ContainerEnvSpec, configMaps: ReadonlyMap<string, ConfigMapRead>): ResolvedEnvironment {
  const vars = new Map<string, string>();
  const unread = new Map<string, string>();
  const errors: ProbeError[] = [];
  const failed = (name: string) => {
    const read = configMaps.get(name);
    if (read && !read.ok && !errors.includes(read.error)) errors.push(read.error);
    return read && !read.ok ? read.error.message : undefined;
  };
  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    if (from.configMapRef) {
      const read = configMaps.get(from.configMapRef.name);
      if (read?.ok) for (const [k, v] of Object.entries(read.data)) setVar(vars, unread, prefix + k, v);
      else failed(from.configMapRef.name);
    }
    // A Secret's keys are not even listed: which variables it sets is unknown.
  }
  for (const e of container.env ?? []) {
    if (e.value !== undefined || !e.valueFrom) {
      setVar(vars, unread, e.name, e.value ?? '');
      continue;
    }
    const ref = e.valueFrom.configMapKeyRef;
    if (ref) {
      const read = configMaps.get(ref.name);
      const value = read?.ok ? read.data[ref.key] : undefined;
      if (value !== undefined) setVar(vars, unread, e.name, value);
      else {
        vars.delete(e.name);
        unread.set(e.name, read?.ok || !read ? `key ${ref.key} not in ConfigMap ${ref.name}` : `ConfigMap ${ref.name}: ${failed(ref.name) ?? ''}`);
      }
    } else if (e.valueFrom.secretKeyRef) {
      vars.delete(e.name);
      unread.set(e.name, `from Secret ${e.valueFrom.secretKeyRef.name} (dbpool never reads Secrets)`);
    } else {
      vars.delete(e.name);
      unread.set(e.name, 'set from a field of the pod');
    }
  }
  return { vars, unread, errors };
}

function setVar(vars: Map<string, string>, unread: Map<string, string>, name: string, value: string): void {
  vars.set(name, value);
  unread.delete(name);
}

/** The ConfigMaps the containers name (env and envFrom), each once. */
export function referencedConfigMaps(containers: ContainerEnvSpec[]): { name: string; optional: boolean }[] {
  const out = new Map<string, boolean>();
  for (const c of containers) {
    for (const f of c.envFrom ?? []) if (f.configMapRef) out.set(f.configMapRef.name, (out.get(f.configMapRef.name) ?? true) && f.configMapRef.optional === true);
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.configMapKeyRef;
      if (ref) out.set(ref.name, (out.get(ref.name) ?? true) && ref.optional === true);
    }
  }
  return [...out].map(([name, optional]) => ({ name, optional }));
}
