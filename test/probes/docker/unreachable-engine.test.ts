/**
 * Engines that cannot be reached or misbehave: a clear error, never a throw or a hang. The first
 * part needs no engine at all; the second puts a faulty proxy in front of the real one.
 */
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/logger.js';
import { createDockerInstanceSource, createDockerInstanceSources } from '../../../src/probes/docker/docker-instance-source.js';
import { dockerSkipReason, startEngineProxy, testEngineAddress } from '../../helpers/docker-engine.js';
import { phpSkipReason, TestContainers } from '../../helpers/php-app-containers.js';
import { freePort } from '../../helpers/postgres-server.js';
import { dockerConfig, observe } from './fixtures.js';

function sourceAt(address: string, timeoutMs = 1_000) {
  const config = loadConfig({ DBPOOL_DOCKER_HOSTS: address, DBPOOL_PROBE_TIMEOUT_MS: String(timeoutMs) });
  return createDockerInstanceSource(address, config, silentLogger());
}

describe('an engine that cannot be reached', () => {
  it('a socket path that does not exist: unreachable, naming the engine', async () => {
    const address = `unix://${path.join(os.tmpdir(), `dbpool-no-engine-${randomUUID()}.sock`)}`;
    const obs = await sourceAt(address).observe();
    expect(obs).toMatchObject({ ok: false, source: `docker ${address}`, instances: [], error: { kind: 'unreachable', source: `docker ${address}`, code: 'ENOENT' } });
  });

  it('a closed tcp port: unreachable', async () => {
    const port = await freePort();
    const obs = await sourceAt(`tcp://127.0.0.1:${port}`).observe();
    expect(obs).toMatchObject({ ok: false, instances: [], error: { kind: 'unreachable', source: `docker tcp://127.0.0.1:${port}`, code: 'ECONNREFUSED' } });
  });

  it('an engine that accepts but never answers: unreachable within the timeout', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const started = Date.now();
      const obs = await sourceAt(`tcp://127.0.0.1:${port}`, 300).observe();
      expect(Date.now() - started).toBeLessThan(10_000); // a liveness bound: not the OS's TCP timeout
      expect(obs).toMatchObject({ ok: false, instances: [], error: { kind: 'unreachable', hint: { code: 'no_answer', ms: 300 } } });
    } finally {
      silent.close();
    }
  });

  it('an address it cannot use (stopped at start-up by the config; here past it): an error, not a throw', async () => {
    const config = loadConfig({ DBPOOL_PROBE_TIMEOUT_MS: '1000' });
    const obs = await createDockerInstanceSource('ftp://example.invalid', config, silentLogger()).observe();
    expect(obs).toMatchObject({ ok: false, instances: [], error: { kind: 'other', message: expect.stringContaining('unsupported scheme') } });
  });

  it('the caller may abort', async () => {
    const silent = net.createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      const obs = await sourceAt(`tcp://127.0.0.1:${port}`, 30_000).observe(AbortSignal.timeout(200));
      expect(obs).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
    } finally {
      silent.close();
    }
  });
});

const skip = await dockerSkipReason(phpSkipReason);

describe.skipIf(skip !== null)('several engines, and an engine failing for one container (real engine)', () => {
  const containers = new TestContainers();
  afterAll(() => containers.removeAll());

  it('one source per engine: the live one reports, the dead one says why', async () => {
    const a = await containers.startCommand({ name: 'php_swoole_a', cmd: ['sleep', '3600'] });
    const dead = `unix://${path.join(os.tmpdir(), `dbpool-no-engine-${randomUUID()}.sock`)}`;
    const config = dockerConfig(containers, { DBPOOL_DOCKER_HOSTS: `${testEngineAddress()},${dead}` });
    const sources = createDockerInstanceSources(config, silentLogger());
    expect(sources.map((s) => s.name)).toEqual([`docker ${testEngineAddress()}`, `docker ${dead}`]);
    const [live, gone] = await Promise.all(sources.map((s) => s.observe()));
    // Containers of the other tests here may run too, in whatever order the tests ran.
    expect(live?.ok).toBe(true);
    expect(live?.instances).toEqual(expect.arrayContaining([expect.objectContaining({ name: a.name, state: 'running' })]));
    expect(gone).toMatchObject({ ok: false, error: { kind: 'unreachable' } });
  });

  it('top hangs for one container: that instance gets a timeout error, the other still reports', async () => {
    const a = await containers.startCommand({ name: 'php_swoole_hung', cmd: ['sleep', '3600'] });
    const b = await containers.startCommand({ name: 'php_swoole_fine', cmd: ['sleep', '3600'] });
    const proxy = await startEngineProxy((method, url) => (url.startsWith(`/containers/${a.id}/top`) ? 'hang' : 'pass'));
    try {
      const started = Date.now();
      const obs = await observe(dockerConfig(containers, { DBPOOL_DOCKER_HOSTS: proxy.address, DBPOOL_PROBE_TIMEOUT_MS: '800' }), { hostProc: false });
      expect(Date.now() - started).toBeLessThan(10_000); // a liveness bound: the hung top does not hold the probe
      expect(obs.ok).toBe(true);
      const hung = obs.instances.find((i) => i.name === a.name);
      const fine = obs.instances.find((i) => i.name === b.name);
      expect(hung?.processes).toBeNull();
      expect(hung?.errors).toContainEqual(expect.objectContaining({ kind: 'timeout', source: `docker ${proxy.address} ${a.name}` }));
      // The rest of the hung container's facts still arrived.
      expect(hung?.state).toBe('running');
      expect(hung?.logs).toBeDefined();
      expect(fine?.processes).toHaveLength(0); // sleep is not the app, but it was listed
      expect(fine?.errors.map((e) => e.kind)).toEqual(['not_found']);
    } finally {
      await proxy.close();
    }
  });

  it('top refused by the engine: ps runs inside the container instead', async () => {
    // The Swoole app without a database: its worker fails to fill its pool, and keeps running.
    const c = await containers.startApp({ name: 'php_swoole_notop', env: { DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '1', DB_DSN: 'host=127.0.0.1 port=1' } });
    const proxy = await startEngineProxy((method, url) =>
      url.startsWith(`/containers/${c.id}/top`) ? { status: 500, message: 'ps: executable file not found in $PATH' } : 'pass',
    );
    try {
      const obs = await observe(dockerConfig(containers, { DBPOOL_DOCKER_HOSTS: proxy.address }), { hostProc: false });
      const inst = obs.instances.find((i) => i.name === c.name);
      expect(inst?.errors).toEqual([]);
      expect(inst?.processes?.map((p) => p.role).sort()).toEqual(['manager', 'master', 'worker_or_task']);
      expect(inst?.processes?.[0]?.command).toMatch(/php.*server\.php/);
    } finally {
      await proxy.close();
    }
  });
});
