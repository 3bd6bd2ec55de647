/**
 * `dbpool <command> --json` run in this process through the CLI's own entry (runCli), with only the
 * given environment: what a user typing the command would get, without needing a build.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli/run-cli.js';

export interface StatusRun {
  code: number;
  // The JSON report, as renderJson prints it.
  json: Record<string, unknown> & { exitCode: number; verdict: string };
  stderr: string;
}

export async function dbpoolJson(args: string[], env: Record<string, string>): Promise<StatusRun> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-state-'));
  let stdout = '';
  let stderr = '';
  try {
    const code = await runCli(
      [...args, '--json'],
      { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), isTerminal: false },
      { DBPOOL_LOG_LEVEL: 'warn', DBPOOL_STATE_DIR: stateDir, ...env },
    );
    return { code, json: JSON.parse(stdout) as StatusRun['json'], stderr };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

/** Text output of `dbpool <command>` in a language. */
export async function dbpoolText(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string }> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-state-'));
  let stdout = '';
  try {
    const code = await runCli(args, { stdout: (s) => (stdout += s), stderr: () => undefined, isTerminal: false }, { DBPOOL_LOG_LEVEL: 'warn', DBPOOL_STATE_DIR: stateDir, ...env });
    return { code, stdout };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}
