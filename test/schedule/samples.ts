import type { Sample } from '../../src/schedule/history-store.js';

/** A successful sample; override what a test is about. */
export function okSample(at: Date, connections: number, overrides: Partial<Sample> = {}): Sample {
  return {
    at,
    ok: true,
    clientConnections: connections,
    usable: 100,
    maxConnections: 103,
    appDemand: 80,
    instances: 1,
    extraInstances: 0,
    refused: false,
    logRefusals: 0,
    errorKind: null,
    ...overrides,
  };
}

/** A failed sample: a gap. */
export function gapSample(at: Date, overrides: Partial<Sample> = {}): Sample {
  return {
    at,
    ok: false,
    clientConnections: null,
    usable: null,
    maxConnections: null,
    appDemand: null,
    instances: null,
    extraInstances: null,
    refused: false,
    logRefusals: null,
    errorKind: 'unreachable',
    ...overrides,
  };
}
