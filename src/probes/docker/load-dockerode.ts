import Module, { createRequire } from 'node:module';
import type Docker from 'dockerode';

const require = createRequire(import.meta.url);

/**
 * dockerode, without loading at start what dbpool never calls. Its main file requires, at its top,
 * BuildKit's session support (gRPC and protobuf: half of dockerode's load time, used by `docker
 * build`), and docker-modem requires the ssh2 client (ssh:// engines, which dbpool refuses: see
 * engine-address.ts). Each goes into require's cache as a stand-in that loads the real module on its
 * first call, so behaviour is unchanged; a CLI run that only reads containers stops paying for them.
 * A later dockerode that moves these files is simply loaded as it is.
 */
export function loadDockerode(): typeof Docker {
  const fromDockerode = createRequire(require.resolve('dockerode'));
  deferUntilCalled(fromDockerode, './session.js');
  deferUntilCalled(createRequire(fromDockerode.resolve('docker-modem')), './ssh.js');
  return fromDockerode('dockerode') as typeof Docker;
}

function deferUntilCalled(from: NodeJS.Require, specifier: string): void {
  let file: string;
  try {
    file = from.resolve(specifier);
  } catch {
    return;
  }
  if (require.cache[file]) return;
  const standIn = new Module(file);
  standIn.filename = file;
  standIn.loaded = true;
  standIn.exports = function loadOnFirstCall(this: unknown, ...args: unknown[]): unknown {
    delete require.cache[file];
    return (from(file) as (...a: unknown[]) => unknown).apply(this, args);
  };
  require.cache[file] = standIn;
}
