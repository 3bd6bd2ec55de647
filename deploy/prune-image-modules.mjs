// Run by the Dockerfile after `npm prune --omit=dev`: removes from node_modules what dbpool never
// loads, so the image ships what runs.
//  - dockerode's optional transports: ssh2 (ssh:// engines, which dbpool refuses) with its native
//    cpu-features, and BuildKit's session (@grpc/*, protobufjs) used only by `docker build`;
//    src/probes/docker/load-dockerode.ts loads neither until called, and dbpool never calls them.
//  - better-sqlite3: the state store's driver on Node 20 only; the image runs Node 24 (node:sqlite).
//  - every package reachable only through those (walked from package-lock.json).
//  - every Vazirmatn file but the one weight the summary chart registers (and the font's licence).
// Usage: node prune-image-modules.mjs <app directory>
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

const app = path.resolve(process.argv[2] ?? '.');
const NEVER_LOADED = new Set(['ssh2', 'cpu-features', '@grpc/grpc-js', '@grpc/proto-loader', 'protobufjs', 'better-sqlite3']);
const FONT_KEPT = ['package.json', 'OFL.txt', 'fonts/ttf/Vazirmatn-Regular.ttf'];

const lock = JSON.parse(readFileSync(path.join(app, 'package-lock.json'), 'utf8'));
const packages = lock.packages;

/** Where Node resolves `name` from the package at `from`: its own node_modules, then each parent's. */
function resolve(from, name) {
  for (let dir = from; ; dir = dir.includes('/node_modules/') ? dir.slice(0, dir.lastIndexOf('/node_modules/')) : '') {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (packages[candidate]) return candidate;
    if (dir === '') return null;
  }
}

const reached = new Set(['']);
const queue = [''];
while (queue.length > 0) {
  const at = queue.pop();
  const meta = packages[at];
  const deps = { ...meta.dependencies, ...meta.optionalDependencies, ...meta.peerDependencies };
  for (const name of Object.keys(deps)) {
    if (NEVER_LOADED.has(name)) continue;
    const found = resolve(at, name);
    if (found && !reached.has(found)) {
      reached.add(found);
      queue.push(found);
    }
  }
}

let removed = 0;
for (const key of Object.keys(packages)) {
  // Dev packages are gone already (npm prune), and a parent removed takes its nested ones with it.
  if (key === '' || reached.has(key) || packages[key].link || !existsSync(path.join(app, key))) continue;
  rmSync(path.join(app, key), { recursive: true, force: true });
  removed++;
}

// A scope whose every package went (@grpc) goes too.
for (const entry of readdirSync(path.join(app, 'node_modules'), { withFileTypes: true })) {
  const dir = path.join(app, 'node_modules', entry.name);
  if (entry.isDirectory() && entry.name.startsWith('@') && readdirSync(dir).length === 0) rmSync(dir, { recursive: true });
}

const font = path.join(app, 'node_modules', 'vazirmatn');
const keep = new Set(FONT_KEPT.map((f) => path.join(font, f)));
function trim(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (![...keep].some((k) => k.startsWith(full + path.sep))) rmSync(full, { recursive: true, force: true });
      else trim(full);
    } else if (!keep.has(full)) {
      rmSync(full, { force: true });
    }
  }
}
trim(font);
console.log(`prune-image-modules: ${removed} packages dbpool never loads removed; Vazirmatn trimmed to ${FONT_KEPT.join(', ')}`);
