/**
 * The CLI's startup snapshot, built by `npm run build` after tsc: the CLI bundled into one CommonJS
 * script (esbuild), run once by `node --build-snapshot`, which loads the modules a report needs and
 * builds the config schema, then saves V8's heap. The `dbpool` launcher starts Node from that heap when
 * one matches the running Node, so a command skips reading, compiling and evaluating ~300 modules.
 * A snapshot belongs to one Node binary: `node dist/cli/build-snapshot.js` builds the one for the node
 * that runs it (the bench builds Node 24's too). Without esbuild (a production install) or when Node
 * cannot build one, the build says so and the launcher loads the modules as usual.
 */
import { spawnSync } from 'node:child_process';
import { chmod, copyFile, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'esbuild';

const CLI_DIR = path.dirname(fileURLToPath(import.meta.url));
const SRC_CLI = path.join(CLI_DIR, '../../src/cli');
const SNAPSHOT_DIR = path.join(CLI_DIR, 'snapshot');

/**
 * Loaded from node_modules at run time, never bundled: native addons, what only the bot or a chart
 * uses, what only Kubernetes' opt-ins use (a YAML kubeconfig, pods/exec's WebSocket), and what
 * dockerode needs only to follow an image build (protobufjs): every bundled byte is in the snapshot,
 * read and deserialized by each run (yaml and ws were 0.8 MB of it, ~2 ms of every run).
 */
const EXTERNAL = ['yaml', 'ws', '@slack/bolt', 'chart.js', '@napi-rs/canvas', 'better-sqlite3', 'prom-client', 'vazirmatn', 'croner', 'pg-native', 'protobufjs'];

/**
 * V8 flags of the build and of every run from its snapshot (V8 refuses a snapshot made with other
 * flags). No baseline compiler: the rehearsal's calls count toward each function's tier-up, so a run
 * would spend its main thread compiling baseline code for functions it calls a few times (~6 ms of
 * `dbpool status`). The optimizing compilers stay, for what a big host makes hot.
 */
const V8_FLAGS = ['--no-sparkplug'];

/** One snapshot per Node version; beside it a link to the node binary that built it, which the launcher compares, and the flags. */
function snapshotFiles(): { blob: string; builtBy: string; flags: string } {
  const base = path.join(SNAPSHOT_DIR, `dbpool-${process.version}`);
  return { blob: `${base}.blob`, builtBy: `${base}.node`, flags: `${base}.flags` };
}

/**
 * In the snapshot only Node's built-ins can be required; the bundle's other requires (EXTERNAL, and the
 * parts of dockerode loaded on first call) go through a require made at run time next to dist/cli.
 */
const REQUIRE_SHIM = `var require = (function (builtin) {
  var fromDist;
  return function require(id) {
    if (builtin('node:module').isBuiltin(id)) return builtin(id);
    fromDist = fromDist || builtin('node:module').createRequire(globalThis.__dbpoolModuleUrl);
    return fromDist(id);
  };
})(require);`;

/**
 * dockerode without what dbpool never calls (see load-dockerode.ts): BuildKit's session (gRPC) and the
 * ssh transport stay outside the bundle and load on their first call; `dbpool serve` never runs from
 * the snapshot (the launcher starts it as usual), so the bot's module is not bundled.
 */
const snapshotPlugin: Plugin = {
  name: 'dbpool-snapshot',
  setup(build) {
    // zod's error messages in its 40-odd other languages (z.locales): dbpool keeps zod's English ones.
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (a) => (a.importer.includes(`${path.sep}zod${path.sep}`) ? { path: 'zod-locales', namespace: 'dbpool', pluginData: a.resolveDir } : undefined));
    build.onLoad({ filter: /^zod-locales$/, namespace: 'dbpool' }, (a) => ({ contents: `export { default as en } from '../locales/en.js';`, loader: 'js', resolveDir: a.pluginData as string }));
    build.onResolve({ filter: /\/load-dockerode\.js$/ }, () => ({ path: 'load-dockerode', namespace: 'dbpool' }));
    build.onResolve({ filter: /^\.\.\/main\.js$/ }, (a) => (a.importer.endsWith(`${path.sep}run-cli.ts`) ? { path: 'serve', namespace: 'dbpool' } : undefined));
    build.onResolve({ filter: /^\.\/session(\.js)?$/ }, (a) => (a.importer.includes(`${path.sep}dockerode${path.sep}`) ? { path: 'dockerode/lib/session.js', namespace: 'on-first-call' } : undefined));
    build.onResolve({ filter: /^\.\/ssh(\.js)?$/ }, (a) => (a.importer.includes(`${path.sep}docker-modem${path.sep}`) ? { path: 'docker-modem/lib/ssh.js', namespace: 'on-first-call' } : undefined));
    build.onResolve({ filter: /.*/, namespace: 'on-first-call' }, (a) => ({ path: a.path, external: true }));
    build.onLoad({ filter: /.*/, namespace: 'on-first-call' }, (a) => ({
      contents: `module.exports = function loadOnFirstCall(...args) { return require(${JSON.stringify(a.path)}).apply(this, args); };`,
      loader: 'js',
    }));
    build.onLoad({ filter: /^load-dockerode$/, namespace: 'dbpool' }, () => ({
      contents: `import Docker from 'dockerode'; export function loadDockerode() { return Docker; }`,
      loader: 'ts',
      resolveDir: SRC_CLI,
    }));
    build.onLoad({ filter: /^serve$/, namespace: 'dbpool' }, () => ({
      contents: `export function serve() { throw new Error('dbpool serve does not run from the startup snapshot'); }`,
      loader: 'ts',
    }));
  },
};

async function main(): Promise<void> {
  const launcher = path.join(CLI_DIR, 'dbpool');
  await copyFile(path.join(SRC_CLI, 'dbpool.sh'), launcher);
  await chmod(launcher, 0o755);
  let esbuild: typeof import('esbuild');
  try {
    esbuild = await import('esbuild');
  } catch {
    console.log('startup snapshot: not built (no esbuild here); the dbpool launcher loads the modules as usual');
    return;
  }
  await mkdir(SNAPSHOT_DIR, { recursive: true });
  const { blob, builtBy, flags } = snapshotFiles();
  await Promise.all([rm(blob, { force: true }), rm(builtBy, { force: true }), rm(flags, { force: true })]);
  const entry = path.join(SNAPSHOT_DIR, 'entry.cjs');
  await esbuild.build({
    entryPoints: [path.join(SRC_CLI, 'snapshot-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: entry,
    external: EXTERNAL,
    plugins: [snapshotPlugin],
    define: { 'import.meta.url': '__dbpoolModuleUrl' },
    banner: { js: REQUIRE_SHIM },
    // A snapshot has no dynamic import(): an external one becomes a require through the shim.
    supported: { 'dynamic-import': false },
    // The script's source stays in the heap (V8 compiles from it): minified, the snapshot is 1.3 MB
    // smaller and each run ~2.5 ms shorter. Function and class names are kept for stack traces.
    minify: true,
    keepNames: true,
    logLevel: 'error',
  });
  const built = spawnSync(process.execPath, [...V8_FLAGS, '--snapshot-blob', blob, '--build-snapshot', entry], { encoding: 'utf8' });
  if (built.status !== 0) {
    await rm(blob, { force: true });
    console.log(`startup snapshot: Node ${process.version} could not build one; the dbpool launcher loads the modules as usual\n${built.stderr.trim()}`);
    return;
  }
  await writeFile(flags, `${V8_FLAGS.join(' ')}\n`);
  await symlink(process.execPath, builtBy);
  console.log(`startup snapshot: ${path.relative(process.cwd(), blob)}`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
