import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { createProcessInstanceSource } from '../../../src/probes/processes/process-instance-source.js';
import { spawnApp, type SpawnedApp } from '../../helpers/spawn-app.js';

const apps: SpawnedApp[] = [];
afterEach(async () => {
  await Promise.all(apps.splice(0).map((a) => a.stop()));
});

function source(pattern: string, env: Record<string, string> = {}) {
  const config = loadConfig({ APP_PROCESS_PATTERN: pattern, ...env });
  return createProcessInstanceSource(config.app, { onlyDescendantsOf: process.pid });
}

describe('local processes as app instances', () => {
  it('finds the master and its workers and reads the pool settings from its environment', async () => {
    const app = spawnApp({ DB_POOL_SIZE: '7', SWOOLE_WORKER_NUM: '3' });
    apps.push(app);
    await app.started;
    const obs = await source(app.pattern).observe();
    expect(obs.ok).toBe(true);
    expect(obs.instances).toHaveLength(1);
    const [inst] = obs.instances;
    expect(inst?.id).toBe(`pid:${app.child.pid}`);
    expect(inst?.poolSize).toEqual({ value: 7, origin: 'env' });
    expect(inst?.workerNum).toEqual({ value: 3, origin: 'env' });
    expect(inst?.taskWorkerNum).toEqual({ value: 0, origin: 'env' });
    // The stand-in forks its workers directly, as SWOOLE_BASE does: the first process is the manager.
    expect(inst?.processes?.map((p) => p.role).sort()).toEqual(['manager', 'worker_or_task', 'worker_or_task', 'worker_or_task']);
    expect(Date.parse(inst?.createdAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
  });

  it('two masters are two instances, with their start times in order', async () => {
    const tag = `pair-${process.pid}`;
    const first = spawnApp({ DB_POOL_SIZE: '2', SWOOLE_WORKER_NUM: '1' }, `${tag}-a`);
    apps.push(first);
    await first.started;
    await new Promise((r) => setTimeout(r, 1100));
    const second = spawnApp({ DB_POOL_SIZE: '2', SWOOLE_WORKER_NUM: '2' }, `${tag}-b`);
    apps.push(second);
    await second.started;
    const obs = await source(`swoole-like-app\\.mjs --tag ${tag}`).observe();
    expect(obs.instances).toHaveLength(2);
    const [a, b] = obs.instances;
    expect(Date.parse(a?.createdAt ?? '')).toBeLessThan(Date.parse(b?.createdAt ?? ''));
  });

  it('a missing variable is unknown, or the configured fallback labelled as such', async () => {
    const app = spawnApp({ SWOOLE_WORKER_NUM: '1' });
    apps.push(app);
    await app.started;
    const unknown = (await source(app.pattern).observe()).instances[0];
    expect(unknown?.poolSize).toMatchObject({ value: null, origin: 'unknown', reason: 'DB_POOL_SIZE is not set' });
    const fallback = (await source(app.pattern, { APP_POOL_SIZE_FALLBACK: '9' }).observe()).instances[0];
    expect(fallback?.poolSize).toEqual({ value: 9, origin: 'fallback' });
  });

  it('nothing matching is an empty, successful observation', async () => {
    const obs = await source('no-such-app-\\d{40}').observe();
    expect(obs).toMatchObject({ ok: true, instances: [] });
  });

  it('an unreadable /proc is a reported failure, not a throw', async () => {
    const config = loadConfig({});
    const obs = await createProcessInstanceSource(config.app, { procRoot: '/nonexistent-proc' }).observe();
    expect(obs.ok).toBe(false);
    expect(obs.error?.message).toContain('/nonexistent-proc');
  });
});
