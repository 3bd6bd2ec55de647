/**
 * A CLI run is a whole process, and most of its time used to be spent loading modules a command never
 * used: each command loads only what it needs. Checked in a child process running the built bin,
 * from the modules it really loaded (ESM through a loader hook, CommonJS from require's cache).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(HERE, '../../dist/cli/main.js');
const RECORDER = pathToFileURL(path.join(HERE, '../helpers/record-loaded-modules.mjs')).href;

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-modules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** The packages (and Node built-ins of note) a run of the bin loaded, and dbpool's own modules as `dist:<path>`. */
async function loaded(args: string[], env: Record<string, string> = {}): Promise<Set<string>> {
  const file = path.join(dir, `${args[0]}-${Math.random().toString(36).slice(2)}.txt`);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', RECORDER, BIN, ...args], {
      env: { PATH: process.env.PATH ?? '', LOADED_MODULES_FILE: file, DBPOOL_LOG_LEVEL: 'silent', ...env },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('exit', () => resolve());
  });
  const packages = new Set<string>();
  for (const line of (await readFile(file, 'utf8')).split('\n')) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(line)?.[1];
    if (pkg) packages.add(pkg);
    if (line === 'node:sqlite') packages.add('node:sqlite');
    const own = /\/dist\/(.+\.js)$/.exec(line)?.[1];
    if (own) packages.add(`dist:${own}`);
  }
  return packages;
}

const UNREACHABLE_DB = { DATABASE_URL: 'postgresql://dbpool:x@127.0.0.1:1/madras', DBPOOL_CONNECT_TIMEOUT_MS: '200' };
const NEVER_FOR_REPORTS = ['@slack/bolt', 'chart.js', '@napi-rs/canvas', 'prom-client', 'better-sqlite3'];

describe('what each command loads (the built bin, a child process)', () => {
  it('math and help load no I/O library at all: no pg, no dockerode, no pino, no Bolt, no chart', async () => {
    for (const args of [['math', '--workers', '4', '--pool', '30'], ['help']]) {
      const packages = await loaded(args);
      expect(packages.has('zod')).toBe(true); // the argument schemas: the check itself sees the loads
      for (const pkg of ['pg', 'dockerode', 'pino', ...NEVER_FOR_REPORTS]) expect(packages, `${args[0]} loads ${pkg}`).not.toContain(pkg);
    }
  });

  it('status loads pg and pino, the configured instance source only (dockerode only for a TCP engine), and never Bolt, the chart or the state file', async () => {
    const viaProcesses = await loaded(['status'], { ...UNREACHABLE_DB, DBPOOL_INSTANCE_SOURCE: 'process' });
    expect(viaProcesses).toContain('pg');
    for (const pkg of ['dockerode', ...NEVER_FOR_REPORTS]) expect(viaProcesses, `status loads ${pkg}`).not.toContain(pkg);
    // The Docker side (Swarm's reads included) only where Docker is the source.
    for (const own of ['dist:probes/docker/docker-instance-source.js', 'dist:probes/docker/swarm-services.js', 'dist:probes/docker/service-scaler.js']) {
      expect(viaProcesses, `status loads ${own}`).not.toContain(own);
    }
    // An engine on this host's socket is read over node:net; dockerode only for one over TCP.
    const viaDocker = await loaded(['status'], { ...UNREACHABLE_DB, DBPOOL_INSTANCE_SOURCE: 'docker' });
    expect(viaDocker).not.toContain('dockerode');
    expect(viaDocker).toContain('dist:probes/docker/socket-engine.js');
    expect(viaDocker).toContain('dist:probes/docker/swarm-services.js');
    const viaTcp = await loaded(['status'], { ...UNREACHABLE_DB, DBPOOL_INSTANCE_SOURCE: 'docker', DBPOOL_DOCKER_HOSTS: 'tcp://127.0.0.1:9' });
    expect(viaTcp).toContain('dockerode');
    for (const pkg of NEVER_FOR_REPORTS) expect(viaDocker, `status loads ${pkg}`).not.toContain(pkg);
    // A report changes nothing: no stopper, no scaler, no remediation flow.
    for (const own of ['dist:probes/docker/service-scaler.js', 'dist:probes/docker/docker-stopper.js', 'dist:actions/remediation-flow.js']) {
      expect(viaDocker, `status loads ${own}`).not.toContain(own);
    }
  });

  it('status loads the Kubernetes source only where it is configured, with no YAML parser for a JSON kubeconfig and no scaler', async () => {
    const kubeconfig = path.join(dir, 'kubeconfig.json');
    await writeFile(
      kubeconfig,
      JSON.stringify({
        'current-context': 'c',
        clusters: [{ name: 'c', cluster: { server: 'https://127.0.0.1:1' } }],
        users: [{ name: 'u', user: { token: 't' } }],
        contexts: [{ name: 'c', context: { cluster: 'c', user: 'u' } }],
      }),
    );
    const viaKubernetes = await loaded(['status'], { ...UNREACHABLE_DB, DBPOOL_INSTANCE_SOURCE: 'kubernetes', DBPOOL_KUBECONFIG: kubeconfig });
    expect(viaKubernetes).toContain('dist:probes/kubernetes/kubernetes-instance-source.js');
    for (const pkg of ['dockerode', 'yaml', 'dist:probes/kubernetes/deployment-scaler.js', 'dist:actions/remediation-flow.js', ...NEVER_FOR_REPORTS]) {
      expect(viaKubernetes, `status loads ${pkg}`).not.toContain(pkg);
    }
    const viaProcesses = await loaded(['status'], { ...UNREACHABLE_DB, DBPOOL_INSTANCE_SOURCE: 'process' });
    expect([...viaProcesses].filter((m) => m.includes('probes/kubernetes'))).toEqual([]);
  });

  it('check loads what status loads, not more', async () => {
    const packages = await loaded(['check'], { ...UNREACHABLE_DB, DBPOOL_INSTANCE_SOURCE: 'none' });
    for (const pkg of ['dockerode', ...NEVER_FOR_REPORTS]) expect(packages, `check loads ${pkg}`).not.toContain(pkg);
  });
});
