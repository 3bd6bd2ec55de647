/**
 * A remote engine over tcp with TLS, as `dockerd --tlsverify` serves it: a TLS front that demands a
 * client certificate from the tests' CA, in front of the real test engine. dbpool connects with
 * DOCKER_TLS_VERIFY and DOCKER_CERT_PATH (ca.pem, cert.pem, key.pem) like the docker CLI.
 */
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerSkipReason, engineSocketReason, testEngineSocket } from '../../helpers/docker-engine.js';
import { TestContainers, which, type StartedContainer } from '../../helpers/php-app-containers.js';
import { makeCertificates } from '../../helpers/test-certificates.js';
import { dockerConfig, observe } from './fixtures.js';
import type { InstanceObservation } from '../../../src/core/facts.js';
import { en } from '../../../src/i18n/en.js';
import { createFormatter } from '../../../src/i18n/format.js';

/** What a report says of a failed source, in English (code spans as backticks). */
const said = (o: InstanceObservation) =>
  en.label.sourceFailed({ source: o.source, message: o.error?.message ?? '', hint: o.error?.hint ?? null }, createFormatter('en', { code: (s) => `\`${s}\`` }));

const skip = await dockerSkipReason(engineSocketReason, async () =>
  (await which('openssl')) ? null : 'openssl is needed to make the certificates',
);

describe.skipIf(skip !== null)('an engine behind TLS with client certificates (real engine)', () => {
  const containers = new TestContainers();
  let dir: string;
  let front: tls.Server;
  let address: string;
  let app: StartedContainer;
  let handshakes = 0;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-tls-'));
    await makeCertificates(path.join(dir, 'good'), 'dbpool test CA');
    await makeCertificates(path.join(dir, 'other'), 'another CA');
    const good = (f: string) => readFile(path.join(dir, 'good', f));
    const engineSocket = testEngineSocket()!;
    front = tls.createServer({ key: await good('server-key.pem'), cert: await good('server.pem'), ca: await good('ca.pem'), requestCert: true, rejectUnauthorized: true }, (client) => {
      handshakes += 1;
      const engine = net.connect(engineSocket);
      client.pipe(engine).pipe(client);
      client.on('error', () => engine.destroy());
      engine.on('error', () => client.destroy());
    });
    front.on('tlsClientError', () => undefined);
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    address = `tcp://127.0.0.1:${(front.address() as net.AddressInfo).port}`;
    app = await containers.startCommand({ name: 'php_swoole_app_new', cmd: ['sleep', '3600'], env: { DB_POOL_SIZE: '5', SWOOLE_WORKER_NUM: '4' } });
  });
  afterAll(async () => {
    await containers.removeAll();
    front?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('with DOCKER_TLS_VERIFY and the right certificates: the instance and its pool settings', async () => {
    const config = dockerConfig(containers, { DBPOOL_DOCKER_HOSTS: address, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: path.join(dir, 'good') });
    const observation = await observe(config);
    expect(observation, JSON.stringify(observation.error)).toMatchObject({ ok: true, source: `docker ${address}` });
    expect(observation.instances.map((i) => [i.name, i.poolSize.value, i.workerNum.value])).toEqual([[app.name, 5, 4]]);
    expect(handshakes).toBeGreaterThan(0);
  });

  it('an engine certificate from another CA: refused as an authentication failure, naming the engine', async () => {
    const config = dockerConfig(containers, { DBPOOL_DOCKER_HOSTS: address, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: path.join(dir, 'other') });
    const observation = await observe(config);
    expect(observation).toMatchObject({
      ok: false,
      instances: [],
      error: { kind: 'auth_failed', source: `docker ${address}`, message: 'list containers (SELF_SIGNED_CERT_IN_CHAIN)', hint: { code: 'docker_tls_untrusted' } },
    });
    expect(said(observation)).toBe(`\`docker ${address}\`: list containers (SELF_SIGNED_CERT_IN_CHAIN): TLS: the engine's certificate is not signed by the CA in DOCKER_CERT_PATH/ca.pem`);
  });

  it('TLS without DOCKER_TLS_VERIFY (the CLI\'s --tls): the client certificate is sent, the engine\'s is not checked', async () => {
    // Another CA's ca.pem beside the right client certificate: verification would fail, --tls does not verify.
    const mixed = path.join(dir, 'mixed');
    await mkdir(mixed);
    await copyFile(path.join(dir, 'other', 'ca.pem'), path.join(mixed, 'ca.pem'));
    for (const f of ['cert.pem', 'key.pem']) await copyFile(path.join(dir, 'good', f), path.join(mixed, f));
    const verified = await observe(dockerConfig(containers, { DBPOOL_DOCKER_HOSTS: address, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: mixed }));
    expect(verified.error?.kind).toBe('auth_failed');
    const unverified = await observe(dockerConfig(containers, { DBPOOL_DOCKER_HOSTS: address, DOCKER_CERT_PATH: mixed }));
    expect(unverified.instances.map((i) => i.name)).toEqual([app.name]);
  });

  it('no client certificate: the engine refuses the handshake, reported as a failure naming the engine', async () => {
    const caOnly = path.join(dir, 'ca-only');
    await mkdir(caOnly);
    await copyFile(path.join(dir, 'good', 'ca.pem'), path.join(caOnly, 'ca.pem'));
    const config = dockerConfig(containers, { DBPOOL_DOCKER_HOSTS: address, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: caOnly });
    const observation = await observe(config);
    expect(observation).toMatchObject({
      ok: false,
      error: { kind: 'auth_failed', source: `docker ${address}`, hint: { code: 'docker_tls_client_certificate' } },
    });
    expect(said(observation)).toContain('it wants a client certificate it trusts');
  });
});
