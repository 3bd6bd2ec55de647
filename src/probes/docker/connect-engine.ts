import { readFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import util from 'node:util';
import type Docker from 'dockerode';
import type { EngineEndpoint } from './engine-address.js';
import { loadDockerode } from './load-dockerode.js';

/**
 * A dockerode client for one engine. Every connection option is given explicitly (undefined
 * included): docker-modem otherwise merges DOCKER_HOST and DOCKER_CERT_PATH from the environment
 * over them, and a tcp DOCKER_HOST would win over a unix socket asked for here.
 *
 * Each client has its own keep-alive pool (not Node's global agent), so that disconnectEngine can
 * drop every connection it holds, e.g. ones left over from before an engine restart.
 */
export async function connectEngine(endpoint: EngineEndpoint): Promise<Docker> {
  const Docker = loadDockerode();
  const none = {
    socketPath: undefined,
    host: undefined,
    port: undefined,
    protocol: undefined,
    ca: undefined,
    cert: undefined,
    key: undefined,
    agent: undefined,
  };
  switch (endpoint.kind) {
    case 'socket':
      return new Docker({ ...none, socketPath: endpoint.socketPath, agent: new EngineHttpAgent(PLAIN_HTTP) } as Docker.DockerOptions);
    case 'tcp': {
      const base = { ...none, host: endpoint.host, port: endpoint.port };
      if (!endpoint.tls) return new Docker({ ...base, protocol: 'http', agent: new EngineHttpAgent(PLAIN_HTTP) } as Docker.DockerOptions);
      const certs = endpoint.certPath ? await readCerts(endpoint.certPath) : {};
      // docker-modem passes ca, cert and key with every request; the agent only pools the connections.
      if (endpoint.verify) return new Docker({ ...base, protocol: 'https', ...certs, agent: new EngineHttpsAgent({ keepAlive: true }) } as Docker.DockerOptions);
      // TLS without DOCKER_TLS_VERIFY: encrypted, client certificate sent, server certificate not checked
      // (the docker CLI's --tls without --tlsverify).
      const agent = new EngineHttpsAgent({ rejectUnauthorized: false, keepAlive: true, cert: certs.cert, key: certs.key });
      return new Docker({ ...base, protocol: 'https', agent } as Docker.DockerOptions);
    }
  }
}

/**
 * Without TLS there is no server name to send: an empty one spares Node's agent from working one
 * out of the Host header on the first request (its IPv6 pattern, compiled then: ~3 ms of a CLI run).
 */
const PLAIN_HTTP = { keepAlive: true, servername: '' } as http.AgentOptions;

/*
 * Agents that print as one word: docker-modem util.inspect()s every request's options, the agent and
 * all its sockets included, even with its debugging off. A plain agent made each request ~1 ms slower.
 */
class EngineHttpAgent extends http.Agent {
  [util.inspect.custom](): string {
    return 'EngineHttpAgent';
  }
}

class EngineHttpsAgent extends https.Agent {
  [util.inspect.custom](): string {
    return 'EngineHttpsAgent';
  }
}

/** Closes the client's pooled connections; the client is not used again. */
export function disconnectEngine(docker: Docker): void {
  (docker.modem as unknown as { agent?: http.Agent }).agent?.destroy();
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
