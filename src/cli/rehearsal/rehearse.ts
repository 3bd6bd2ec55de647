/**
 * The startup snapshot's rehearsal (snapshot-entry.ts runs it while the snapshot is built): the
 * CLI's read-only commands, end to end, in both languages, against stand-ins of PostgreSQL and the
 * Docker engine and a made-up /proc that stage the seed incident. V8 compiles a function on its first
 * call and the snapshot keeps the bytecode of every function that ran, so no run compiles pg's login,
 * node:net's streams, the probes or the renderers again (~12 ms of each `dbpool status`).
 *
 * Nothing of it outlives it: servers and connections closed, files removed. Nor may anything of it
 * be left to the garbage collector's finalizers: V8 refuses to snapshot a FinalizationRegistry with
 * cleanup due, which is why deadlines are deadline-signal.ts's rather than AbortSignal.timeout's and
 * the CLI's log lines are written synchronously (pino registers an asynchronous one for an exit flush).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, type CliIo } from '../run-cli.js';
import { writeMadeUpProc } from './made-up-proc.js';
import { SEED_CONTAINERS, SEED_MAX_CONNECTIONS, SEED_POOL_SIZE, SEED_WORKERS, seedActivityRow, seedEnv } from './seed-incident.js';
import { startStandInEngine } from './stand-in-engine.js';
import { STAND_IN_PASSWORD, startStandInPostgres } from './stand-in-postgres.js';

export interface Rehearsed {
  argv: string[];
  terminal: boolean;
  code: number;
  stdout: string;
  stderr: string;
}

const MATH = ['math', '--workers', String(SEED_WORKERS), '--pool', String(SEED_POOL_SIZE), '--instances', String(SEED_CONTAINERS.length), '--max-connections', String(SEED_MAX_CONNECTIONS)];
const VIEWS = ['status', 'connections', 'instances', 'workers', 'config', 'idle', 'check'];

/** What a run may ask: every view in both languages, as a script and in a terminal, JSON, math and help. */
const COMMANDS: { argv: string[]; terminal: boolean }[] = [
  ...['en', 'fa'].flatMap((lang) => [...VIEWS.map((view) => [view]), MATH].map((argv) => ({ argv: [...argv, '--lang', lang], terminal: false }))),
  ...['en', 'fa'].map((lang) => ({ argv: ['status', '--lang', lang], terminal: true })),
  { argv: ['status', '--json'], terminal: false },
  { argv: ['help'], terminal: false },
];

export async function rehearse(): Promise<Rehearsed[]> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dbpool-rehearsal-'));
  const procRoot = path.join(dir, 'proc');
  const socketPath = path.join(dir, 'docker.sock');
  const postgres = await startStandInPostgres(seedActivityRow);
  const engine = await startStandInEngine(socketPath, SEED_CONTAINERS, seedEnv(postgres.port)).catch(async (err: unknown) => {
    await postgres.close();
    throw err;
  });
  const env = {
    DATABASE_URL: `postgresql://dbpool:${STAND_IN_PASSWORD}@127.0.0.1:${postgres.port}/madras`,
    DBPOOL_DOCKER_HOSTS: `unix://${socketPath}`,
    DBPOOL_LOG_LEVEL: 'warn',
  };
  const results: Rehearsed[] = [];
  try {
    writeMadeUpProc(procRoot, SEED_CONTAINERS, postgres.port);
    for (const { argv, terminal } of COMMANDS) {
      const out = { stdout: '', stderr: '' };
      const io: CliIo = { stdout: (s) => void (out.stdout += s), stderr: (s) => void (out.stderr += s), isTerminal: terminal };
      const code = await runCli(argv, io, env, { services: { procRoot } });
      results.push({ argv, terminal, code, ...out });
    }
  } finally {
    await Promise.all([postgres.close(), engine.close()]);
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
