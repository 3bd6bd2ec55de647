/**
 * DOCKER_HOST-style engine addresses, as the docker CLI and dockerode read them:
 *   unix:///var/run/docker.sock, /var/run/docker.sock, npipe:////./pipe/docker_engine,
 *   tcp://host:2376, http://host:2375, https://host:2376, host:2375.
 * tcp speaks TLS when DOCKER_TLS_VERIFY or DOCKER_CERT_PATH is set, or on port 2376 (the docker CLI's rule).
 * ssh://user@host is refused: dockerode's ssh client would accept any host key, and an engine's API is
 * root on that host. Forwarding the remote socket with ssh (which checks known_hosts) does the same safely.
 */

export const DEFAULT_ENGINE_ADDRESS = 'unix:///var/run/docker.sock';

export interface EngineTlsSettings {
  verify: boolean;
  certPath: string | undefined;
}

export type EngineEndpoint =
  | { kind: 'socket'; address: string; socketPath: string }
  | { kind: 'tcp'; address: string; host: string; port: number; tls: boolean; verify: boolean; certPath: string | undefined };

export class EngineAddressError extends Error {
  constructor(address: string, why: string) {
    super(`docker engine address ${JSON.stringify(address)} ${why}`);
    this.name = 'EngineAddressError';
  }
}

/** Throws EngineAddressError for an address it cannot use. */
export function parseEngineAddress(raw: string | undefined, tls: EngineTlsSettings): EngineEndpoint {
  const address = (raw ?? '').trim() || DEFAULT_ENGINE_ADDRESS;
  if (address.startsWith('/')) return { kind: 'socket', address: `unix://${address}`, socketPath: address };
  for (const scheme of ['unix://', 'npipe://']) {
    if (address.startsWith(scheme)) {
      const socketPath = address.slice(scheme.length);
      if (!socketPath) throw new EngineAddressError(address, 'has no socket path');
      return { kind: 'socket', address, socketPath };
    }
  }
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(address) ? address : `tcp://${address}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new EngineAddressError(address, 'is not a valid URL (expected e.g. unix:///var/run/docker.sock or tcp://host:2376)');
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) throw new EngineAddressError(address, 'has no host');
  const scheme = url.protocol.replace(/:$/, '');
  if (scheme === 'ssh') {
    const user = url.username ? `${decodeURIComponent(url.username)}@` : '';
    const local = `/run/dbpool/${host}.sock`;
    throw new EngineAddressError(
      address,
      'is an ssh engine, which dbpool does not connect to (it could not check the host key): forward the engine\'s socket ' +
        `over ssh instead (ssh -nNT -L ${local}:/var/run/docker.sock ${user}${host}) and give unix://${local}, or use tcp with TLS`,
    );
  }
  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') {
    throw new EngineAddressError(address, `has an unsupported scheme "${scheme}" (use unix, npipe, tcp, http or https)`);
  }
  const port = url.port ? Number(url.port) : scheme === 'https' ? 2376 : scheme === 'http' ? 2375 : NaN;
  if (!Number.isInteger(port)) throw new EngineAddressError(address, 'has no port (e.g. tcp://host:2376)');
  const useTls = scheme === 'https' || (scheme === 'tcp' && (tls.verify || tls.certPath !== undefined || port === 2376));
  return {
    kind: 'tcp',
    address: `tcp://${url.host}`,
    host,
    port,
    tls: useTls,
    verify: useTls && tls.verify,
    certPath: tls.certPath,
  };
}

/** Why an address cannot be used, or null: the config's check at start-up, with the same parser. */
export function engineAddressProblem(raw: string): string | null {
  try {
    parseEngineAddress(raw, { verify: false, certPath: undefined });
    return null;
  } catch (err) {
    if (err instanceof EngineAddressError) return err.message;
    throw err;
  }
}
