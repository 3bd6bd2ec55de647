/** The /proc fast path on a fake /proc tree: attribution by cgroup, and refusal when it cannot vouch. Pure file I/O. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { snapshotHostProcesses } from '../../../src/probes/docker/host-proc-processes.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const OUTER = 'f'.repeat(64);

describe('app processes from the host /proc', () => {
  let root: string;
  const proc = async (pid: number, ppid: number, cmd: string[], cgroup: string) => {
    const dir = path.join(root, String(pid));
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'cmdline'), cmd.join('\0') + '\0');
    await writeFile(path.join(dir, 'stat'), `${pid} (${cmd[0]?.slice(0, 15)} x) S ${ppid} 1 1 0 -1 0`);
    await writeFile(path.join(dir, 'cgroup'), cgroup);
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'dbpool-fake-proc-'));
    await proc(1, 0, ['/sbin/init'], '0::/init.scope\n');
    await proc(100, 1, ['php', 'server.php'], `0::/docker/${A}\n`);
    await proc(101, 100, ['php', 'server.php'], `0::/docker/${A}\n`);
    await proc(102, 100, ['php', 'server.php'], `0::/docker/${A}\n`);
    await proc(200, 1, ['madras.Master'], `12:pids:/system.slice/docker-${B}.scope\n0::/system.slice/docker-${B}.scope\n`);
    await proc(201, 200, ['madras.Worker.0'], `0::/system.slice/docker-${B}.scope\n`);
    await proc(202, 200, ['sleep', '60'], `0::/system.slice/docker-${B}.scope\n`);
    await proc(300, 1, ['php', 'server.php'], '0::/user.slice\n'); // the same app outside any container
    await proc(400, 1, ['php', 'server.php'], `0::/docker/${OUTER}/docker/${'c'.repeat(64)}\n`);
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('groups the app processes by container id', async () => {
    const snap = await snapshotHostProcesses(/php.*server\.php/, root);
    expect(await snap.processesOf(A, 100)).toEqual([
      { pid: 100, ppid: 1, command: 'php server.php' },
      { pid: 101, ppid: 100, command: 'php server.php' },
      { pid: 102, ppid: 100, command: 'php server.php' },
    ]);
    expect((await snap.processesOf(B, 200))?.map((p) => p.command)).toEqual(['madras.Master', 'madras.Worker.0']);
    // Nested engines: the innermost id.
    expect((await snap.processesOf('c'.repeat(64), 400))?.map((p) => p.pid)).toEqual([400]);
  });

  it('cannot vouch when the main process is not this container here', async () => {
    const snap = await snapshotHostProcesses(/php.*server\.php/, root);
    expect(await snap.processesOf(A, 300)).toBeNull();
    expect(await snap.processesOf(A, 9999)).toBeNull();
    expect(await snap.processesOf(A, undefined)).toBeNull();
  });
});
