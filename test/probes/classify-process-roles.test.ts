import { describe, expect, it } from 'vitest';
import { classifyProcessRoles, roleFromTitle } from '../../src/probes/classify-process-roles.js';
import { readPoolSetting } from '../../src/probes/read-pool-setting.js';

const rolesOf = (rows: [number, number, string][]) =>
  classifyProcessRoles(rows.map(([pid, ppid, command]) => ({ pid, ppid, command }))).map((p) => p.role);

describe('process roles from the tree (no titles): Swoole forks every process as `php server.php`', () => {
  it('SWOOLE_PROCESS: master -> manager -> workers and task workers, which cannot be told apart', () => {
    // From a real server: worker_num 2, task_worker_num 1, one addProcess(); the task worker is forked first.
    expect(
      rolesOf([
        [27226, 1, 'php server.php'],
        [27232, 27226, 'php server.php'],
        [27235, 27232, 'php server.php'],
        [27236, 27232, 'php server.php'],
        [27237, 27232, 'php server.php'],
        [27238, 27232, 'php server.php'],
      ]),
    ).toEqual(['master', 'manager', 'worker_or_task', 'worker_or_task', 'worker_or_task', 'worker_or_task']);
  });

  it('SWOOLE_BASE: the first process is the manager, its children the workers and task workers', () => {
    expect(
      rolesOf([
        [10, 1, 'php server.php'],
        [11, 10, 'php server.php'],
        [12, 10, 'php server.php'],
      ]),
    ).toEqual(['manager', 'worker_or_task', 'worker_or_task']);
  });

  it('SWOOLE_BASE with one worker and nothing else: a single process, which is the worker', () => {
    expect(rolesOf([[10, 1, 'php server.php']])).toEqual(['single']);
  });

  it('a process under a worker (proc_open, a shell-out) is not a pool process', () => {
    expect(
      rolesOf([
        [10, 1, 'php server.php'],
        [11, 10, 'php server.php'],
        [12, 11, 'php server.php'],
        [13, 12, 'php server.php --child'],
      ]),
    ).toEqual(['master', 'manager', 'worker_or_task', 'unknown']);
  });
});

describe('process roles from titles', () => {
  it('Hyperf titles, in either mode', () => {
    expect(
      rolesOf([
        [1, 0, 'app.Master'],
        [2, 1, 'app.Manager'],
        [3, 2, 'app.Worker.0'],
        [4, 2, 'app.TaskWorker.1'],
      ]),
    ).toEqual(['master', 'manager', 'worker', 'task_worker']);
    expect(rolesOf([[2, 1, 'app.Manager'], [3, 2, 'app.Worker.0'], [4, 2, 'app.TaskWorker.1']])).toEqual(['manager', 'worker', 'task_worker']);
  });

  it('a child of the manager without a worker title among titled workers is a custom process', () => {
    expect(
      rolesOf([
        [2, 1, 'app: manager'],
        [3, 2, 'app: worker #0'],
        [4, 2, 'app: task worker #1'],
        [5, 2, 'app: queue process #0'],
      ]),
    ).toEqual(['manager', 'worker', 'task_worker', 'custom']);
  });

  it('a lone titled process keeps its title: a master whose workers were not matched is not a single process', () => {
    expect(rolesOf([[1, 0, 'app.Master']])).toEqual(['master']);
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
    ['swoole_http_server: master process for queue-worker', 'master'],
    ['madras: worker #3', 'worker'],
    ['madras: task worker #4', 'task_worker'],
    ['madras-task_worker-4', 'task_worker'],
    ['php-ps: manager', 'manager'],
    ['php server.php', null],
    ['php /srv/worker/server.php', null],
    ['php worker.php', null],
    ['php server.php --master', null],
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
