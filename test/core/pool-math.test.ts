import { describe, expect, it } from 'vitest';
import { buildWhatIfReport, type WhatIf } from '../../src/core/what-if.js';
import { settings } from '../fixtures/report-settings.js';

const at = new Date('2026-11-26T10:00:00Z');
const whatIf = (w: Partial<WhatIf>): WhatIf => ({
  workers: 4, poolSize: 30, instances: 1, taskWorkers: 0, maxConnections: 200, reservedSlots: 3, otherClients: 0, ...w,
});

describe('the runbook examples', () => {
  it('4 x 30 x 1 = 120 fits max_connections 200', () => {
    const r = buildWhatIfReport(whatIf({}), settings(), at);
    expect(r.math.totalDemand).toBe(120);
    expect(r.verdict).toBe('OK');
  });

  it('4 x 30 x 2 = 240 does not fit max_connections 200', () => {
    const r = buildWhatIfReport(whatIf({ instances: 2 }), settings(), at);
    expect(r.math.totalDemand).toBe(240);
    expect(r.math.appCapacity).toBe(197);
    expect(r.verdict).toBe('CRIT');
    expect(r.findings.map((f) => f.code)).toContain('demand_exceeds_capacity');
    const raise = r.recommendations.find((x) => x.code === 'raise_max_connections');
    expect(raise?.params).toMatchObject({ current: 200 });
    const lower = r.recommendations.find((x) => x.code === 'lower_pool_size');
    // 8 pool holders must stay below 75 % of 197: 8 x 18 = 144 < 147.75
    expect(lower?.commands[0]?.text).toBe('DB_POOL_SIZE=18');
  });

  it('4 x 15 = 60 is safe with max_connections 100', () => {
    const r = buildWhatIfReport(whatIf({ poolSize: 15, maxConnections: 100 }), settings(), at);
    expect(r.math.totalDemand).toBe(60);
    expect(r.verdict).toBe('OK');
    expect(r.recommendations).toEqual([]);
  });

  it('counts task workers: each keeps its own pool', () => {
    const r = buildWhatIfReport(whatIf({ taskWorkers: 2 }), settings(), at);
    expect(r.math.totalDemand).toBe(180);
  });

  it('suggests a raise of max_connections that makes the demand fit with the margin', () => {
    const r = buildWhatIfReport(whatIf({ instances: 2 }), settings(), at);
    const raise = r.recommendations.find((x) => x.code === 'raise_max_connections');
    const suggested = (raise?.params as { suggested: number }).suggested;
    const after = buildWhatIfReport(whatIf({ instances: 2, maxConnections: suggested }), settings(), at);
    expect(after.verdict).toBe('OK');
  });
});
