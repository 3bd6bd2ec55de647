/**
 * /healthz without a diagnosis: the Docker HEALTHCHECK asks every 30 s, so an engine is asked for its
 * ping only (no list, inspect, top or logs), and what the instances looked like comes from the latest
 * diagnosis the bot made anyway. Against a real engine behind a proxy that records every request.
 */
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import type { Facts } from '../../src/core/facts.js';
import { silentLogger } from '../../src/logger.js';
import { createDockerInstanceSource } from '../../src/probes/docker/docker-instance-source.js';
import { checkHealth, type HealthTargets } from '../../src/slack/healthz.js';
import { dockerSkipReason, startEngineProxy, type EngineProxy } from '../helpers/docker-engine.js';

const skip = await dockerSkipReason();

function targets(address: string, latest: Facts | null): HealthTargets {
  const config = loadConfig({ DBPOOL_DOCKER_HOSTS: address, DBPOOL_PROBE_TIMEOUT_MS: '2000' });
  return {
    postgres: { isConnected: () => true },
    instanceSources: [createDockerInstanceSource(address, config, silentLogger())],
    latest: () => latest,
    slack: () => ({ ok: true, pending: 0 }),
    state: { problem: () => null },
    timeoutMs: 2000,
  };
}

describe.skipIf(skip !== null)('/healthz (real engine)', () => {
  const proxies: EngineProxy[] = [];
  afterAll(async () => {
    await Promise.all(proxies.map((p) => p.close()));
  });

  it("asks the engine for its ping only, and shows the latest diagnosis's look at the instances", async () => {
    const asked: string[] = [];
    const proxy = await startEngineProxy((method, url) => {
      asked.push(`${method} ${url.split('?')[0]}`);
      return 'pass';
    });
    proxies.push(proxy);
    const seen: Facts = {
      observedAt: '2026-11-30T10:00:00.000Z',
      postgres: { ok: false, error: { kind: 'unreachable', source: 'postgres', message: 'x' }, database: 'madras', host: 'db' },
      instances: [{ source: `docker ${proxy.address}`, ok: true, instances: [] }],
    };
    for (let i = 0; i < 3; i++) {
      const health = await checkHealth(targets(proxy.address, seen));
      expect(health.status).toBe('ok');
      expect(health.instanceSources).toEqual([
        { name: `docker ${proxy.address}`, ok: true, observed: { at: '2026-11-30T10:00:00.000Z', ok: true, instances: 0 } },
      ]);
    }
    expect(asked.length).toBeGreaterThan(0);
    expect(new Set(asked)).toEqual(new Set(['GET /_ping']));
  });

  it('an engine that is not there: degraded, with the reason, and nothing observed yet', async () => {
    const dead = `unix://${path.join(os.tmpdir(), `dbpool-no-engine-${randomUUID()}.sock`)}`;
    const health = await checkHealth(targets(dead, null));
    expect(health.status).toBe('degraded');
    expect(health.instanceSources[0]).toMatchObject({ ok: false, error: expect.stringContaining('ENOENT'), observed: null });
  });

  it('an engine that hangs: degraded within the bound, not a hanging health check', async () => {
    const proxy = await startEngineProxy(() => 'hang');
    proxies.push(proxy);
    const t = targets(proxy.address, null);
    const health = await checkHealth({ ...t, timeoutMs: 300 });
    expect(health.instanceSources[0]).toMatchObject({ ok: false, error: 'no answer within 300 ms' });
  });
});
