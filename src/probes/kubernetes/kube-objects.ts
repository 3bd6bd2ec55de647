import type { ContainerEnvSpec } from './pod-environment.js';

/** The parts of the API's objects dbpool reads (core/v1 Pod, apps/v1 ReplicaSet and Deployment). */
export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid: string;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
  generation?: number;
  resourceVersion?: string;
}

export interface Pod {
  metadata: ObjectMeta;
  spec: { nodeName?: string; containers: ContainerEnvSpec[] };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    startTime?: string;
    conditions?: { type: string; status: string }[];
  };
}

export interface ReplicaSet {
  metadata: ObjectMeta;
  spec: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number };
}

export interface Deployment {
  metadata: ObjectMeta;
  spec: { replicas?: number; paused?: boolean; template: { spec: { containers: ContainerEnvSpec[] } } };
  status?: {
    replicas?: number;
    readyReplicas?: number;
    updatedReplicas?: number;
    observedGeneration?: number;
    conditions?: { type: string; status: string; reason?: string; lastUpdateTime?: string }[];
  };
}

export interface List<T> {
  items: T[];
}

/** The revision the Deployment controller writes on a Deployment and each of its ReplicaSets. */
export const REVISION = 'deployment.kubernetes.io/revision';

export function revisionOf(meta: ObjectMeta): number | null {
  const raw = meta.annotations?.[REVISION];
  return raw && /^\d+$/.test(raw) ? Number(raw) : null;
}

/** The controller that owns the object (a pod's ReplicaSet, a ReplicaSet's Deployment). */
export function controllerOf(meta: ObjectMeta, kind: string): { name: string; uid: string } | null {
  const ref = meta.ownerReferences?.find((o) => o.kind === kind && o.controller !== false);
  return ref ? { name: ref.name, uid: ref.uid } : null;
}
