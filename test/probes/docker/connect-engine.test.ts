/** The dockerode client built for each kind of address; the environment's DOCKER_HOST must not leak in. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import util from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { connectEngine, disconnectEngine } from '../../../src/probes/docker/connect-engine.js';
import { parseEngineAddress } from '../../../src/probes/docker/engine-address.js';

type Modem = { socketPath?: string; host?: string; port?: number; protocol?: string; ca?: Buffer; cert?: Buffer; agent?: https.Agent };
const modemOf = (docker: unknown) => (docker as { modem: Modem }).modem;

describe('engine clients', () => {
  let certs: string;
  const saved = process.env.DOCKER_HOST;
  beforeAll(async () => {
    certs = await mkdtemp(path.join(os.tmpdir(), 'dbpool-certs-'));
    for (const f of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(path.join(certs, f), `fake ${f}`);
  });
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });
  afterAll(() => rm(certs, { recursive: true, force: true }));

  it('a unix socket stays a unix socket even with a tcp DOCKER_HOST in the environment', async () => {
    process.env.DOCKER_HOST = 'tcp://10.9.8.7:2375';
    const modem = modemOf(await connectEngine(parseEngineAddress('unix:///tmp/engine.sock', { verify: false, certPath: undefined })));
    expect(modem.socketPath).toBe('/tmp/engine.sock');
    expect(modem.host).toBeUndefined();
  });

  it('plain tcp', async () => {
    const modem = modemOf(await connectEngine(parseEngineAddress('tcp://app1:2375', { verify: false, certPath: undefined })));
    expect(modem).toMatchObject({ host: 'app1', port: 2375, protocol: 'http' });
  });

  it('tcp with TLS verification: the CA and client certificate from DOCKER_CERT_PATH', async () => {
    const modem = modemOf(await connectEngine(parseEngineAddress('tcp://app1:2376', { verify: true, certPath: certs })));
    expect(modem).toMatchObject({ host: 'app1', port: 2376, protocol: 'https' });
    expect(modem.ca?.toString()).toBe('fake ca.pem');
    expect(modem.cert?.toString()).toBe('fake cert.pem');
  });

  it('tcp with TLS but no verification: an agent that does not check the server certificate', async () => {
    const modem = modemOf(await connectEngine(parseEngineAddress('tcp://app1:2376', { verify: false, certPath: certs })));
    expect(modem.protocol).toBe('https');
    expect(modem.agent).toBeInstanceOf(https.Agent);
    expect((modem.agent as https.Agent & { options: { rejectUnauthorized?: boolean } }).options.rejectUnauthorized).toBe(false);
  });

  it('every client pools its own keep-alive connections, which disconnectEngine closes', async () => {
    const address = parseEngineAddress('unix:///tmp/engine.sock', { verify: false, certPath: undefined });
    const [a, b] = [await connectEngine(address), await connectEngine(address)];
    const agentA = modemOf(a).agent as unknown as http.Agent & { keepAlive: boolean };
    expect(agentA).toBeInstanceOf(http.Agent);
    expect(agentA).not.toBe(http.globalAgent);
    expect(agentA).not.toBe(modemOf(b).agent);
    expect(agentA.keepAlive).toBe(true);
    // docker-modem inspects every request's options: the agent must print short, not with its sockets.
    expect(util.inspect(agentA, { showHidden: true, depth: null })).toBe('EngineHttpAgent');
    for (const tcp of ['tcp://app1:2375', 'tcp://app1:2376']) {
      const modem = modemOf(await connectEngine(parseEngineAddress(tcp, { verify: true, certPath: certs })));
      expect(modem.agent).toBeInstanceOf(http.Agent);
    }
    let destroyed = false;
    agentA.destroy = () => void (destroyed = true);
    disconnectEngine(a);
    expect(destroyed).toBe(true);
  });
});
