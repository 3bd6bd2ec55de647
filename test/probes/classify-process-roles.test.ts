import { describe, expect, it } from 'vitest';
import { classifyProcessRoles, roleFromTitle } from '../../src/probes/classify-process-roles.js';
import { readPoolSetting } from '../../src/probes/read-pool-setting.js';

describe('process roles', () => {
  it('plain php server.php: master, manager, workers by the tree', () => {
    const roles = classifyProcessRoles([
      { pid: 10, ppid: 1, command: 'php server.php' },
      { pid: 11, ppid: 10, command: 'php server.php' },
      { pid: 12, ppid: 11, command: 'php server.php' },
      { pid: 13, ppid: 11, command: 'php server.php' },
    ]).map((p) => p.role);
    expect(roles).toEqual(['master', 'manager', 'worker', 'worker']);
  });

  it('a master forking workers directly has no manager', () => {
    const roles = classifyProcessRoles([
      { pid: 10, ppid: 1, command: 'php server.php' },
      { pid: 11, ppid: 10, command: 'php server.php' },
      { pid: 12, ppid: 10, command: 'php server.php' },
    ]).map((p) => p.role);
    expect(roles).toEqual(['master', 'worker', 'worker']);
  });

  it.each([
    ['madras.Master', 'master'],
    ['madras.Manager', 'manager'],
    ['madras.Worker.3', 'worker'],
    ['madras.TaskWorker.0', 'task_worker'],
    ['swoole_http_server: master process for madras', 'master'],
    ['swoole_http_server: manager process for madras', 'manager'],
    ['swoole_http_server: worker process for madras', 'worker'],
    ['swoole_http_server: task worker process for madras', 'task_worker'],
    ['php server.php', null],
  ])('title %s is %s', (title, role) => {
    expect(roleFromTitle(title)).toBe(role);
  });
});

describe('pool settings', () => {
  const env = new Map([['DB_POOL_SIZE', '30'], ['SWOOLE_WORKER_NUM', 'four']]);
  const lookup = (k: string) => env.get(k);
  it('reads a positive integer', () => expect(readPoolSetting(lookup, 'DB_POOL_SIZE', undefined)).toEqual({ value: 30, origin: 'env' }));
  it('a malformed value is unknown with a reason', () =>
    expect(readPoolSetting(lookup, 'SWOOLE_WORKER_NUM', undefined)).toMatchObject({ value: null, origin: 'unknown', reason: expect.stringContaining('not a positive integer') }));
  it('a missing value uses the fallback, labelled', () =>
    expect(readPoolSetting(lookup, 'X', 8)).toEqual({ value: 8, origin: 'fallback' }));
  it('an unreadable environment says why', () =>
    expect(readPoolSetting(lookup, 'DB_POOL_SIZE', undefined, 'environment not readable (permission denied)')).toMatchObject({ origin: 'unknown', reason: 'environment not readable (permission denied)' }));
});
