import { readFile } from 'node:fs/promises';
import https from 'node:https';
import path from 'node:path';
import Docker from 'dockerode';
import type { EngineEndpoint } from './engine-address.js';

/**
 * A dockerode client for one engine. Every connection option is given explicitly (undefined
 * included): docker-modem otherwise merges DOCKER_HOST and DOCKER_CERT_PATH from the environment
 * over them, and a tcp DOCKER_HOST would win over a unix socket asked for here.
 */
export async function connectEngine(endpoint: EngineEndpoint): Promise<Docker> {
  const none = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    agent: undefined,
    username: undefined,
  };
  switch (endpoint.kind) {
    case 'socket':
      return new Docker({ ...none, socketPath: endpoint.socketPath });
    case 'ssh':
      return new Docker({
        ...none,
        protocol: 'ssh',
        host: endpoint.host,
        port: endpoint.port,
        username: endpoint.username,
      });
    case 'tcp': {
      const base = { ...none, host: endpoint.host, port: endpoint.port };
      if (!endpoint.tls) return new Docker({ ...base, protocol: 'http' });
      const certs = endpoint.certPath ? await readCerts(endpoint.certPath) : {};
      if (endpoint.verify) return new Docker({ ...base, protocol: 'https', ...certs });
      // TLS without DOCKER_TLS_VERIFY: encrypted, client certificate sent, server certificate not checked
      // (the docker CLI's --tls without --tlsverify).
      const agent = new https.Agent({ rejectUnauthorized: false, keepAlive: true, cert: certs.cert, key: certs.key });
      return new Docker({ ...base, protocol: 'https', agent } as Docker.DockerOptions);
    }
  }
}

async function readCerts(dir: string): Promise<{ ca?: Buffer; cert?: Buffer; key?: Buffer }> {
  const read = async (name: string) => {
    try {
      return await readFile(path.join(dir, name));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new Error(`cannot read ${path.join(dir, name)} (DOCKER_CERT_PATH): ${code ?? (err as Error).message}`, { cause: err });
    }
  };
  const [ca, cert, key] = await Promise.all([read('ca.pem'), read('cert.pem'), read('key.pem')]);
  return { ca, cert, key };
}
