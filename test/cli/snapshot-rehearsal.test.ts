/**
 * The startup snapshot's rehearsal drives the real steps, not a shortcut through them: against its
 * PostgreSQL and Docker stand-ins and its made-up /proc, every command diagnoses the seed incident as
 * a run on a real host does (the login, the engine's answers, the /proc scan and the socket tables all
 * taken), and it leaves nothing behind: no file, no listener (the build itself fails on a socket left open).
 */
import { readdirSync } from 'node:fs';
import os from 'node:os';
import { beforeAll, describe, expect, it } from 'vitest';
import { rehearse, type Rehearsed } from '../../src/cli/rehearsal/rehearse.js';

const rehearsalDirs = () => readdirSync(os.tmpdir()).filter((name) => name.startsWith('dbpool-rehearsal-'));

describe('the startup snapshot rehearsal', () => {
  let results: Rehearsed[];
  let left: { dirs: string[]; listeners: string[] };
  beforeAll(async () => {
    const listeners = () => process.eventNames().flatMap((e) => process.listeners(e as 'exit').map((fn) => ({ e: String(e), fn: fn as (...args: unknown[]) => unknown })));
    const dirsBefore = new Set(rehearsalDirs());
    const listenersBefore = listeners();
    results = await rehearse();
    left = {
      dirs: rehearsalDirs().filter((d) => !dirsBefore.has(d)),
      listeners: listeners()
        .filter((l) => !listenersBefore.some((b) => b.fn === l.fn))
        .map((l) => `${l.e}: ${l.fn.name}`),
    };
  }, 60_000);
  const find = (argv: string, terminal = false) => {
    const r = results.find((x) => x.argv.join(' ') === argv && x.terminal === terminal);
    if (!r) throw new Error(`not rehearsed: ${argv}`);
    return r;
  };

  it('leaves no file or listener behind', () => {
    expect(left).toEqual({ dirs: [], listeners: [] });
  });

  it('every command runs to its answer, with nothing on stderr', () => {
    expect(results.length).toBeGreaterThanOrEqual(19);
    for (const r of results) expect({ argv: r.argv, stderr: r.stderr }).toEqual({ argv: r.argv, stderr: '' });
    expect(results.filter((r) => r.argv[0] !== 'math' && r.argv[0] !== 'help').map((r) => r.code)).toEqual(results.filter((r) => r.argv[0] !== 'math' && r.argv[0] !== 'help').map(() => 2));
    expect(find('help').code).toBe(0);
  });

  it('status finds what a real host shows: the login, the engine, /proc and the socket tables all answered', () => {
    const status = find('status --lang en').stdout;
    expect(status).toMatch(/^CRITICAL — PostgreSQL full \(37\/37\): 2 app instances running, 1 expected → stop php_swoole_app_1/);
    expect(status).toContain('php_swoole_app_1: (4 workers) x DB_POOL_SIZE 5 = 20');
    // Connections attributed per instance: only the socket tables of the made-up /proc say so.
    expect(status.match(/holds 20 \(idle 20, active 0\)/g)).toHaveLength(2);
    expect(status).toContain('logged "too many clients already"');
    expect(find('workers --lang en').stdout).toContain('php_swoole_app_2');
    expect(find('status --lang fa').stdout).toContain('بحرانی');
    expect(find('status --lang en', true).stdout).toContain('\u001b[');
    expect(JSON.parse(find('status --json').stdout)).toMatchObject({ view: 'status', exitCode: 2 });
  });
});
