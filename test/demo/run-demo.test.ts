/**
 * `npm run demo` as a newcomer runs it with its output redirected to a file: the whole incident (a real
 * PostgreSQL, real app processes), a report, and not one ANSI colour code in the file.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSX = path.join(ROOT, 'node_modules', '.bin', 'tsx');

function runDemo(env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(TSX, [path.join(ROOT, 'demo/run-demo.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: os.tmpdir(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

describe('npm run demo, redirected', () => {
  it('prints the diagnosis of the incident as plain text: no colour codes when the output is not a terminal', async () => {
    const run = await runDemo();
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toMatch(/^\[demo\] a fresh connection, as psql would open: (sorry, too many clients already|remaining connection slots are reserved)/m);
    expect(run.stdout).toMatch(/^CRIT/);
    const coloured = (run.stdout + run.stderr).split('\n').filter((line) => line.includes('\x1b'));
    expect(coloured).toEqual([]);
  }, 120_000);
});
