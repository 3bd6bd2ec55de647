/**
 * An unprivileged dbpool whose user lacks the Docker socket's group gets EACCES from the kernel; the
 * error says which group to add and how (group_add, --group-add), in both languages. The EACCES is
 * real: a child process as the unprivileged user "nobody" connects to a socket only root and its
 * group may use (as root; otherwise the socket is closed to this very user).
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { chmod, copyFile, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogFor } from '../../../src/i18n/index.js';
import { createFormatter } from '../../../src/i18n/format.js';
import { dockerProbeError } from '../../../src/probes/docker/classify-docker-error.js';
import { othersMayEnter } from '../../helpers/others-may-enter.js';

const NOBODY = 65534;
let dir: string;
let socket: string;
let server: net.Server;
/** A node "nobody" may run: this one, or a copy of it when it sits where only root may enter (npx's cache under /root). */
let node = process.execPath;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-socket-'));
  await chmod(dir, 0o755);
  socket = path.join(dir, 'docker.sock');
  server = net.createServer((c) => c.end());
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  await chmod(socket, process.getuid?.() === 0 ? 0o660 : 0o000);
  if (process.getuid?.() === 0 && !(await othersMayEnter(path.dirname(realpathSync(process.execPath))))) {
    node = path.join(dir, 'node');
    await copyFile(process.execPath, node);
    await chmod(node, 0o755);
  }
});
afterAll(async () => {
  await new Promise<void>((resolve) => server?.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

/** What connect() on the socket fails with, for a user outside its owner and group. */
function connectAsOutsider(): Promise<{ code: string; address: string; message: string }> {
  const script = `require('net').connect(process.argv[1]).on('error', (e) => { process.stdout.write(JSON.stringify({ code: e.code, address: e.address, message: e.message })); process.exit(0); }).on('connect', () => process.exit(1));`;
  const asRoot = process.getuid?.() === 0;
  return new Promise((resolve, reject) => {
    execFile(node, ['-e', script, socket], { cwd: '/', ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) }, (err, stdout) => {
      if (err) reject(new Error(`connected, or failed otherwise: ${String(err)} ${stdout}`));
      else resolve(JSON.parse(stdout) as { code: string; address: string; message: string });
    });
  });
}

describe('a Docker socket dbpool\'s user may not use', () => {
  it('EACCES says to add the socket\'s group (group_add in compose, --group-add), in both languages', async () => {
    const real = await connectAsOutsider();
    expect(real.code).toBe('EACCES');
    const e = dockerProbeError(Object.assign(new Error(real.message), real), `docker unix://${socket}`, 'list containers');
    expect(e).toMatchObject({ kind: 'permission_denied', code: 'EACCES', message: 'list containers (EACCES)', hint: { code: 'docker_socket_group', file: socket } });
    const say = (lang: 'en' | 'fa') => catalogFor(lang).hint[e.hint!.code](e.hint!, createFormatter(lang));
    expect(say('en')).toContain(`Docker socket ${socket}`);
    expect(say('en')).toContain('group_add');
    expect(say('en')).toContain('--group-add');
    expect(say('en')).toContain(`stat -c %g ${socket}`);
    expect(say('fa')).toContain('group_add');
    expect(say('fa')).toContain(socket);
  });
});
