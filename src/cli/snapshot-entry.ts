/**
 * The startup snapshot's entry (bundled by build-snapshot.ts, never run as a module): what runs while
 * the snapshot is built, and the function Node calls when it starts from it. Only what is the same on
 * every run is kept: modules evaluated, and the functions of a run compiled by a rehearsal against
 * stand-ins (rehearsal/rehearse.ts). Nothing of a run's environment, terminal, clock or network.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import v8 from 'node:v8';
import { processIo } from './process-io.js';
import { runCli } from './run-cli.js';
import { rehearse } from './rehearsal/rehearse.js';

// pg asks whether it runs on Cloudflare by constructing a `Response` when there is no `navigator`
// (Node 20), which loads undici and node:http, and node:http cannot be in a snapshot (Node 20's
// builder fails on it, 24's refuses its handles: dockerode, which needs it, is evaluated at run time).
// Node has no Cloudflare sockets: pg is told so for the time it loads.
const scope = globalThis as { navigator?: unknown; __dbpoolModuleUrl?: string };
const hadNavigator = 'navigator' in scope;
if (!hadNavigator) scope.navigator = { userAgent: 'Node.js' };
const preloaded = Promise.all([
  import('../logger.js'),
  import('../services.js'),
  import('../probes/processes/process-instance-source.js'),
]).finally(() => {
  if (!hadNavigator) delete scope.navigator;
});
// A build that cannot load them, or rehearse, writes no snapshot (a non-zero exit), and the launcher
// then loads the modules as usual.
preloaded
  .then(() => rehearse())
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  });

v8.startupSnapshot.setDeserializeMainFunction(() => {
  // What the bundle resolves from node_modules at run time is found next to this snapshot's dist/.
  scope.__dbpoolModuleUrl = pathToFileURL(path.join(path.dirname(path.resolve(snapshotBlob())), '../main.js')).href;
  void runCli(process.argv.slice(1), processIo()).then((code) => {
    process.exitCode = code;
  });
});

function snapshotBlob(): string {
  const args = process.execArgv;
  const at = args.indexOf('--snapshot-blob');
  return at >= 0 ? (args[at + 1] ?? '') : (args.find((a) => a.startsWith('--snapshot-blob='))?.slice('--snapshot-blob='.length) ?? '');
}
