/**
 * The CLI's startup snapshot (built by `npm run build` for the node that runs it) is the same CLI:
 * each command prints the same bytes and exits with the same code as the modules loaded as usual,
 * against a real PostgreSQL; a report loads no Bolt, chart or canvas from node_modules; and the
 * `dbpool` launcher starts from the snapshot only when the running node built it, never for `serve`.
 */
import { spawn } from 'node:child_process';
import { readFileSync, realpathSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';

const DIST_CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../dist/cli');
const BLOB = path.join(DIST_CLI, 'snapshot', `dbpool-${process.version}.blob`);
/** The V8 flags it was built with, which every run from it must be given too. */
const FLAGS_FILE = BLOB.replace(/\.blob$/, '.flags');
const LAUNCHER = path.join(DIST_CLI, 'dbpool');
/** The launcher's own test: a snapshot this node built, newer than the compiled CLI (see src/cli/dbpool.sh). */
const current = (() => {
  try {
    return statSync(BLOB).mtimeMs >= statSync(path.join(DIST_CLI, 'run-cli.js')).mtimeMs && statSync(FLAGS_FILE).isFile() && realpathSync(BLOB.replace(/\.blob$/, '.node')) === realpathSync(process.execPath);
  } catch {
    return false;
  }
})();
const flags = current ? readFileSync(FLAGS_FILE, 'utf8').trim().split(/\s+/).filter(Boolean) : [];
const noSnapshot = current ? null : `no startup snapshot of the current build for Node ${process.version} (npm run build makes one for the node that runs it)`;
// CI requires one: a build that can no longer make a snapshot (a rehearsal that leaves a socket open,
// say) only says so in its output, and the launcher quietly loads the modules instead.
if (noSnapshot && process.env.DBPOOL_REQUIRE_SNAPSHOT === '1') throw new Error(`DBPOOL_REQUIRE_SNAPSHOT=1 but ${noSnapshot}`);
if (noSnapshot) console.log(`skipped: ${noSnapshot}`);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** This node first on PATH, so the launcher picks the snapshot built for it. */
const PATH = `${path.dirname(process.execPath)}${path.delimiter}${process.env.PATH ?? ''}`;

function run(command: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      env: { PATH, DBPOOL_LOG_LEVEL: 'warn', DBPOOL_INSTANCE_SOURCE: 'none', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const asUsual = (args: string[], env?: Record<string, string>) => run(process.execPath, [path.join(DIST_CLI, 'main.js'), ...args], env);
const fromSnapshot = (args: string[], env?: Record<string, string>) => run(process.execPath, [...flags, '--snapshot-blob', BLOB, '--', ...args], env);

/** A log line's time and pid are the run's own. */
const withoutClock = (r: Run): Run => ({ ...r, stderr: r.stderr.replace(/"time":\d+,"pid":\d+/g, '"time":0,"pid":0') });

let server: TestPostgres;
let stateDir: string;
let env: Record<string, string>;

beforeAll(async () => {
  if (noSnapshot) return;
  server = await startPostgres({ maxConnections: 30 });
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-snapshot-'));
  env = { DATABASE_URL: server.url(), DBPOOL_STATE_DIR: stateDir };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  if (stateDir) await rm(stateDir, { recursive: true, force: true });
});

describe.skipIf(noSnapshot !== null)('the CLI started from its startup snapshot', () => {
  it('prints what the modules loaded as usual print, with the same exit code', async () => {
    const cases: [string[], Record<string, string>?][] = [
      [['help']],
      [['help', '--lang', 'fa']],
      [['math', '--workers', '4', '--pool', '30', '--instances', '2', '--max-connections', '200']],
      [['math', '--workers', '4', '--pool', '30', '--lang', 'fa']],
      [['math', '--workers', 'four']],
      [['status', '--bogus']],
      [['math', '--workers', '1', '--pool', '1'], { DBPOOL_SUMMARY_TZ: 'Mars/Olympus' }],
      [['check'], env],
      [['check', '-w', '10%', '-c', '20%', '--lang', 'fa'], env],
      [['audit'], env],
      [['terminate-idle', '--dry-run'], env],
      [['check'], { DATABASE_URL: 'postgresql://dbpool:x@127.0.0.1:1/madras', DBPOOL_CONNECT_TIMEOUT_MS: '200' }],
    ];
    for (const [args, caseEnv] of cases) {
      // One after the other: a run against the database sees the other's connection (dbpool_own).
      const usual = await asUsual(args, caseEnv);
      const snapshot = await fromSnapshot(args, caseEnv);
      expect(withoutClock(snapshot), args.join(' ')).toEqual(withoutClock(usual));
    }
  });

  it('status: the same report (its minute-precise "checked" line aside)', async () => {
    const usual = await asUsual(['status'], env);
    const snapshot = await fromSnapshot(['status'], env);
    const withoutCheckedLine = (r: Run) => ({ ...r, stdout: r.stdout.replace(/^checked .*$/m, 'checked …') });
    expect(usual.stdout).toContain('Pool math');
    expect(withoutCheckedLine(snapshot)).toEqual(withoutCheckedLine(usual));
  });

  it('a YAML kubeconfig: the YAML parser, outside the snapshot, loads from node_modules and reads it the same', async () => {
    const kubeconfig = path.join(stateDir, 'kubeconfig.yaml');
    await writeFile(
      kubeconfig,
      ['current-context: c', 'clusters:', '- name: c', '  cluster: {server: "https://127.0.0.1:1"}', 'users:', '- name: u', '  user: {token: t}', 'contexts:', '- name: c', '  context: {cluster: c, user: u, namespace: shop}', ''].join('\n'),
    );
    const kube = { ...env, DBPOOL_INSTANCE_SOURCE: 'kubernetes', DBPOOL_KUBECONFIG: kubeconfig };
    const usual = await asUsual(['check'], kube);
    const snapshot = await fromSnapshot(['check'], { ...kube, NODE_DEBUG: 'module' });
    expect(usual.stdout).toContain('127.0.0.1:1');
    expect(snapshot.stdout).toEqual(usual.stdout);
    expect(snapshot.code).toBe(usual.code);
    expect([...snapshot.stderr.matchAll(/Module\._load REQUEST (\S+)/g)].map((m) => m[1])).toContain('yaml');
  });

  it('is built from an ASCII-only bundle: one other character would keep its whole source in two bytes a character', async () => {
    const source = await readFile(path.join(DIST_CLI, 'snapshot', 'entry.cjs'), 'latin1');
    const foreign = [...source.matchAll(/[\u0080-\u00ff]+/g)].map((m) => source.slice(Math.max(0, m.index - 40), m.index + 10));
    expect(foreign).toEqual([]);
  });

  it('a report loads nothing from node_modules but what it uses: no Bolt, chart, canvas, prom-client or SQLite', async () => {
    const { stderr } = await fromSnapshot(['status'], { ...env, NODE_DEBUG: 'module' });
    const requested = [...stderr.matchAll(/Module\._load REQUEST (\S+)/g)].map((m) => m[1]);
    for (const pkg of ['@slack/bolt', 'chart.js', '@napi-rs/canvas', 'prom-client', 'better-sqlite3']) expect(requested).not.toContain(pkg);
  });

  it('the dbpool launcher starts from it, with the flags it was built with (sh -x shows the exec)', async () => {
    const traced = await run('sh', ['-x', LAUNCHER, 'help']);
    expect(flags).toContain('--no-sparkplug');
    expect(traced.stderr).toContain(`exec node ${flags.join(' ')} --snapshot-blob `);
    expect(traced.stderr).toMatch(/--snapshot-blob \S+dbpool-v[\d.]+\.blob -- help/);
    expect(traced.code).toBe(0);
  });
});

describe('the dbpool launcher', () => {
  const dirs: string[] = [];
  afterAll(async () => {
    for (const dir of dirs) await rm(dir, { recursive: true, force: true });
  });

  /** A stand-in dist/cli whose main.js says it ran; its "snapshot" would fail to start if used. */
  async function standIn(snapshot: 'none' | 'older' | 'other node' | 'newer' | 'same second' | 'no flags'): Promise<(args: string[]) => Promise<Run>> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-launcher-'));
    dirs.push(dir);
    await copyFile(path.join(DIST_CLI, '../../src/cli/dbpool.sh'), path.join(dir, 'dbpool'));
    await writeFile(path.join(dir, 'main.js'), `console.log('as usual:', process.argv.slice(2).join(' '));\n`);
    await writeFile(path.join(dir, 'run-cli.js'), '');
    await mkdir(path.join(dir, 'snapshot'));
    if (snapshot !== 'none') {
      const base = path.join(dir, 'snapshot', `dbpool-${process.version}`);
      await writeFile(`${base}.blob`, 'not a snapshot');
      if (snapshot !== 'no flags') await writeFile(`${base}.flags`, '--no-sparkplug\n');
      // The node that built it: this one, or another binary (a copy is another file to -ef).
      const otherNode = path.join(dir, 'other-node');
      if (snapshot === 'other node') await copyFile(process.execPath, otherNode);
      await symlink(snapshot === 'other node' ? otherNode : process.execPath, `${base}.node`);
      const minuteAgo = new Date(Date.now() - 60_000);
      if (snapshot === 'same second') {
        // As an image layer leaves them: whole seconds, the same one for both.
        const second = new Date(Math.floor(Date.now() / 1000) * 1000);
        for (const file of [`${base}.blob`, path.join(dir, 'run-cli.js')]) await utimes(file, second, second);
      } else {
        await utimes(snapshot === 'older' ? `${base}.blob` : path.join(dir, 'run-cli.js'), minuteAgo, minuteAgo);
      }
    }
    return (args) => run('sh', [path.join(dir, 'dbpool'), ...args]);
  }

  it('loads the modules as usual when no snapshot was built for this node', async () => {
    const launch = await standIn('none');
    expect((await launch(['status', '--json'])).stdout).toBe('as usual: status --json\n');
  });

  it('loads them as usual when the snapshot is older than the compiled CLI (tsc ran alone since)', async () => {
    const launch = await standIn('older');
    expect((await launch(['math', '--workers', '4'])).stdout).toBe('as usual: math --workers 4\n');
  });

  it('loads them as usual when the snapshot was built by another node binary', async () => {
    const launch = await standIn('other node');
    expect((await launch(['check'])).stdout).toBe('as usual: check\n');
  });

  it('starts from the snapshot when it and the compiled CLI have the same time (an image layer keeps whole seconds)', async () => {
    const launch = await standIn('same second');
    expect((await launch(['help'])).stdout).not.toContain('as usual');
  });

  it('loads them as usual when the snapshot has no flags file (a build from before flags, or one cut short)', async () => {
    const launch = await standIn('no flags');
    const ran = await launch(['help']);
    expect(ran.stdout).toBe('as usual: help\n');
    expect(ran.stderr).toBe('');
  });

  it('never starts the bot from a snapshot', async () => {
    const launch = await standIn('newer');
    expect((await launch(['serve'])).stdout).toBe('as usual: serve\n');
    // The same stand-in with another command does try its (broken) snapshot: the check above is not vacuous.
    expect((await launch(['help'])).stdout).not.toContain('as usual');
  });
});
