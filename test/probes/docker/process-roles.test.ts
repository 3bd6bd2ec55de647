/** Which of a container's processes are the app's, and their roles: plain php server.php, Hyperf, Octane. Pure. */
import { describe, expect, it } from 'vitest';
import { classifyProcessRoles } from '../../../src/probes/classify-process-roles.js';
import { entriesFromPs, entriesFromTop, selectAppProcesses } from '../../../src/probes/docker/parse-process-table.js';

const PATTERN = /php.*server\.php/;
const roles = (rows: [number, number, string][]) =>
  classifyProcessRoles(selectAppProcesses(rows.map(([pid, ppid, command]) => ({ pid, ppid, command })), PATTERN)).map((p) => [p.pid, p.role]);

describe('app processes and their roles', () => {
  it('plain php server.php forking its workers directly (SWOOLE_BASE): the first one is the manager', () => {
    expect(
      roles([
        [900, 880, 'containerd-shim-runc-v2 -namespace moby'],
        [1001, 900, '/usr/bin/php8.2 server.php'],
        [1002, 1001, '/usr/bin/php8.2 server.php'],
        [1003, 1001, '/usr/bin/php8.2 server.php'],
      ]),
    ).toEqual([[1001, 'manager'], [1002, 'worker_or_task'], [1003, 'worker_or_task']]);
  });

  it('plain, behind a shell or init wrapper: the wrapper is not the app, php is the master; a Swoole manager is told apart', () => {
    expect(
      roles([
        [1, 0, '/sbin/docker-init -- /bin/sh -c php /app/server.php'],
        [6, 1, '/bin/sh -c php /app/server.php'],
        [7, 6, 'php /app/server.php'],
        [8, 7, 'php /app/server.php'],
        [9, 8, 'php /app/server.php'],
        [10, 8, 'php /app/server.php'],
      ]),
    ).toEqual([[7, 'master'], [8, 'manager'], [9, 'worker_or_task'], [10, 'worker_or_task']]);
  });

  it('Hyperf titles, which no longer say php server.php', () => {
    expect(
      roles([
        [1, 0, 'madras.Master'],
        [2, 1, 'madras.Manager'],
        [3, 2, 'madras.Worker.0'],
        [4, 2, 'madras.Worker.1'],
        [5, 2, 'madras.TaskWorker.2'],
        [6, 1, 'crond -f'],
      ]),
    ).toEqual([[1, 'master'], [2, 'manager'], [3, 'worker'], [4, 'worker'], [5, 'task_worker']]);
  });

  it('Octane titles', () => {
    expect(
      roles([
        [1, 0, 'php artisan octane:start --server=swoole'],
        [20, 1, 'swoole_http_server: master process for madras'],
        [21, 20, 'swoole_http_server: manager process for madras'],
        [22, 21, 'swoole_http_server: worker process for madras'],
        [23, 21, 'swoole_http_server: task worker process for madras'],
      ]),
    ).toEqual([[20, 'master'], [21, 'manager'], [22, 'worker'], [23, 'task_worker']]);
  });

  it('processes that are not the app are left out, even with "worker process" in their title', () => {
    expect(roles([[1, 0, 'nginx: master process nginx'], [2, 1, 'nginx: worker process'], [3, 0, 'sleep 3600']])).toEqual([]);
  });
});

describe('process tables', () => {
  it('docker top with the asked columns', () => {
    expect(entriesFromTop({ Titles: ['PID', 'PPID', 'COMMAND'], Processes: [['25308', '25286', '/usr/bin/php8.2 server.php']] })).toEqual([
      { pid: 25308, ppid: 25286, command: '/usr/bin/php8.2 server.php' },
    ]);
  });

  it("docker top with ps -ef's default columns", () => {
    const body = {
      Titles: ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD'],
      Processes: [['root', '10', '1', '0', '18:48', '?', '00:00:00', 'madras.Worker.0']],
    };
    expect(entriesFromTop(body)).toEqual([{ pid: 10, ppid: 1, command: 'madras.Worker.0' }]);
  });

  it('docker top without a PID column is refused', () => {
    expect(() => entriesFromTop({ Titles: ['CMD'], Processes: [['x']] })).toThrow(/PID column/);
  });

  it('ps -o pid,ppid,args from busybox and from procps', () => {
    const busybox = 'PID   PPID  COMMAND\n    1     0 php server.php\n    6     1 php server.php\n   12     0 ps -o pid,ppid,args\n';
    const procps = '    PID    PPID COMMAND\n      1       0 /usr/bin/php8.2 server.php\n';
    expect(entriesFromPs(busybox)).toEqual([
      { pid: 1, ppid: 0, command: 'php server.php' },
      { pid: 6, ppid: 1, command: 'php server.php' },
      { pid: 12, ppid: 0, command: 'ps -o pid,ppid,args' },
    ]);
    expect(entriesFromPs(procps)).toEqual([{ pid: 1, ppid: 0, command: '/usr/bin/php8.2 server.php' }]);
  });
});
