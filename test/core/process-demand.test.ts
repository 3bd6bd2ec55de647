/**
 * Demand per instance from the processes Swoole really runs: every pool process counted once,
 * workers compared with their configuration like with like.
 */
import { describe, expect, it } from 'vitest';
import type { AppProcess, ProcessRole } from '../../src/core/facts.js';
import { instanceDemand } from '../../src/core/pool-math.js';
import { buildReport } from '../../src/core/report.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const procs = (...roles: ProcessRole[]): AppProcess[] => roles.map((role, i) => ({ pid: 100 + i, role, command: 'php server.php' }));
const times = (role: ProcessRole, n: number): ProcessRole[] => Array.from({ length: n }, () => role);
const settingsOf = (workers: number, taskWorkers: number) => ({
  poolSize: { value: 5, origin: 'env' as const },
  workerNum: { value: workers, origin: 'env' as const },
  taskWorkerNum: { value: taskWorkers, origin: 'env' as const },
});

describe('pool processes and demand', () => {
  it("the issue's server: SWOOLE_PROCESS, 4 workers + 2 task workers, no titles: 6 x 5 = 30, healthy", () => {
    const inst = instance({ ...settingsOf(4, 2), processes: procs('master', 'manager', ...times('worker_or_task', 6)) });
    expect(instanceDemand(inst)).toMatchObject({ workers: 0, taskWorkers: 0, untold: 6, untitled: 6, holders: 6, demand: 30, workersOrigin: 'measured' });
    const r = buildReport('status', facts({}, [inst]), settings());
    expect(r.math.totalDemand).toBe(30);
    expect(r.findings).toEqual([]);
    expect(r.verdict).toBe('OK');
  });

  it('SWOOLE_BASE, same settings: the manager holds no pool', () => {
    const inst = instance({ ...settingsOf(4, 2), processes: procs('manager', ...times('worker_or_task', 6)) });
    expect(instanceDemand(inst).demand).toBe(30);
  });

  it('no task worker configured: the children of the manager are its workers', () => {
    const inst = instance({ ...settingsOf(4, 0), processes: procs('master', 'manager', ...times('worker_or_task', 4)) });
    expect(instanceDemand(inst)).toMatchObject({ workers: 4, untold: 0, untitled: 4, holders: 4, demand: 20 });
  });

  it('a single-process server is its own worker', () => {
    const inst = instance({ ...settingsOf(1, 0), processes: procs('single') });
    expect(instanceDemand(inst)).toMatchObject({ workers: 1, holders: 1, demand: 5 });
    expect(buildReport('status', facts({}, [inst]), settings()).findings).toEqual([]);
  });

  it('titles tell workers, task workers and custom processes apart; each holds a pool', () => {
    const inst = instance({ ...settingsOf(4, 2), processes: procs('master', 'manager', ...times('worker', 4), ...times('task_worker', 2), 'custom') });
    expect(instanceDemand(inst)).toMatchObject({ workers: 4, taskWorkers: 2, customProcesses: 1, untold: 0, holders: 7, demand: 35 });
    expect(buildReport('status', facts({}, [inst]), settings()).findings).toEqual([]);
  });

  it('nothing listed: the configured numbers stand in, labelled', () => {
    const inst = instance({ ...settingsOf(4, 2), processes: null });
    expect(instanceDemand(inst)).toMatchObject({ workers: 4, workersOrigin: 'env', taskWorkers: 2, holders: 6, demand: 30 });
  });
});

describe('workers running against the configuration', () => {
  const codes = (processes: AppProcess[], workers = 4, tasks = 2) =>
    buildReport('status', facts({}, [instance({ ...settingsOf(workers, tasks), processes })]), settings()).findings.map((f) => [f.code, f.severity]);

  it('fewer pool processes than workers + task workers: a warning that workers may be crashing', () => {
    expect(codes(procs('master', 'manager', ...times('worker_or_task', 5)))).toEqual([['pool_processes_mismatch', 'warn']]);
  });

  it('more (an untitled custom process, or a worker being replaced): a note, not a crash', () => {
    expect(codes(procs('master', 'manager', ...times('worker_or_task', 7)))).toEqual([['pool_processes_mismatch', 'info']]);
    expect(codes(procs('master', 'manager', ...times('worker_or_task', 5)), 4, 0)).toEqual([['pool_processes_mismatch', 'info']]);
  });

  it('titled workers are compared with SWOOLE_WORKER_NUM as before', () => {
    expect(codes(procs('master', 'manager', ...times('worker', 3), ...times('task_worker', 2)))).toEqual([['workers_mismatch', 'warn']]);
  });
});
