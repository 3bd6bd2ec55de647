import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const codes = (r: { findings: { code: string }[] }) => r.findings.map((f) => f.code);
const logs = (serverFull: number, poolExhausted: number) => ({
  linesRead: 500,
  since: null,
  workerStarts: { pattern: 'Worker.*starting', count: 4, lastSeen: null },
  serverFull: [{ pattern: 'too many clients already', count: serverFull, lastSeen: serverFull ? '2026-11-26T09:59:00.000Z' : null }],
  poolExhausted: [{ pattern: 'All \\d+ connections are in use', count: poolExhausted, lastSeen: null }],
});

describe('findings and verdict', () => {
  it('a healthy server is OK', () => {
    const r = buildReport('status', facts(), settings());
    expect(r.verdict).toBe('OK');
    expect(r.findings).toEqual([]);
    expect(r.math.totalDemand).toBe(20);
  });

  it('a full server is CRIT and says so', () => {
    const r = buildReport('status', facts({ clientConnections: 97, appConnections: 96 }), settings());
    expect(r.verdict).toBe('CRIT');
    expect(codes(r)).toContain('server_at_limit');
  });

  it('utilization between the warn and crit lines is WARN', () => {
    const r = buildReport('status', facts({ clientConnections: 81, appConnections: 79 }), settings());
    expect(r.verdict).toBe('WARN');
    expect(r.findings[0]).toMatchObject({ code: 'utilization_high', params: { percent: 82, threshold: 75 } });
  });

  it('tells the app pool busy (server has room) from the server full', () => {
    const busyPool = buildReport(
      'status',
      facts({ states: { active: 5, idle: 5, idleInTransaction: 10, idleInTransactionAborted: 0, other: 0, hidden: 0 } }, [
        instance({ logs: logs(0, 12) }),
      ]),
      settings(),
    );
    expect(codes(busyPool)).toContain('app_pool_exhausted');
    expect(codes(busyPool)).not.toContain('server_full_in_logs');
    expect(busyPool.findings.find((f) => f.code === 'app_pool_exhausted')?.params).toMatchObject({ idleInTransaction: 10 });
    expect(busyPool.recommendations.map((r) => r.code)).toContain('idle_in_transaction_timeout');

    const serverFull = buildReport('status', facts({ clientConnections: 97, appConnections: 96 }, [instance({ logs: logs(7, 0) })]), settings());
    expect(codes(serverFull)).toContain('server_full_in_logs');
    expect(serverFull.verdict).toBe('CRIT');
  });

  it('two instances where one is expected: the older is the stop candidate', () => {
    const old = instance({ id: 'old', name: 'php_swoole_app', createdAt: '2026-11-20T08:00:00.000Z', poolSize: { value: 10, origin: 'env' } });
    const fresh = instance({ id: 'new', name: 'php_swoole_app_new', poolSize: { value: 10, origin: 'env' } });
    const r = buildReport('status', facts({}, [fresh, old]), settings());
    expect(r.math.totalDemand).toBe(80);
    expect(r.stopCandidates.map((c) => c.name)).toEqual(['php_swoole_app']);
    expect(codes(r)).toContain('extra_instances');
    const stop = r.recommendations.find((x) => x.code === 'stop_extra_instances');
    expect(stop?.commands[0]?.text).toBe('docker stop php_swoole_app');
    expect(stop?.action).toBe('stop_extra');
  });

  it('never proposes stopping below the expected count', () => {
    const r = buildReport('status', facts({}, [instance({ id: 'a' }), instance({ id: 'b' })]), settings({ expectedInstances: 2 }));
    expect(r.stopCandidates).toEqual([]);
  });

  it('measured workers win over SWOOLE_WORKER_NUM, and a difference is reported', () => {
    const procs = [
      { pid: 1, role: 'master' as const, command: 'php server.php' },
      { pid: 2, role: 'worker' as const, command: 'php server.php' },
      { pid: 3, role: 'worker' as const, command: 'php server.php' },
    ];
    const r = buildReport('status', facts({}, [instance({ processes: procs })]), settings());
    expect(r.math.instances[0]).toMatchObject({ workers: 2, workersOrigin: 'measured', demand: 10 });
    expect(codes(r)).toContain('workers_mismatch');
  });

  it('an unknown pool size is reported, not guessed', () => {
    const r = buildReport(
      'status',
      facts({}, [instance({ poolSize: { value: null, origin: 'unknown', reason: 'DB_POOL_SIZE is not set' } })]),
      settings(),
    );
    expect(r.math.totalDemand).toBeNull();
    expect(r.math.unknownDemandInstances).toBe(1);
    expect(codes(r)).toContain('pool_setting_unknown');
  });

  it('hidden states say the counts are incomplete and recommend pg_monitor', () => {
    const r = buildReport(
      'status',
      facts({ statesVisible: false, states: { active: 1, idle: 0, idleInTransaction: 0, idleInTransactionAborted: 0, other: 0, hidden: 20 } }),
      settings(),
    );
    expect(codes(r)).toContain('states_hidden');
    expect(r.recommendations.find((x) => x.code === 'grant_pg_monitor')?.commands[0]?.text).toBe('GRANT pg_monitor TO dbpool;');
  });

  it('idle sessions older than N minutes lead to the runbook SQL', () => {
    const idle = [{ pid: 77, user: 'app', application: 'php', client: '10.0.0.5', idleSeconds: 1200, backendStart: '2026-11-26T09:00:00Z', app: true }];
    const r = buildReport('status', facts({ idleSessions: idle }), settings());
    const rec = r.recommendations.find((x) => x.code === 'terminate_idle');
    expect(rec?.action).toBe('terminate_idle');
    expect(rec?.commands[0]?.text).toContain("state_change < NOW() - INTERVAL '10 minutes'");
  });

  it('an unreachable database is UNKNOWN; a database refusing dbpool because it is full is CRIT', () => {
    const down = buildReport(
      'status',
      { ...facts(), postgres: { ok: false, database: 'madras', host: 'db', error: { kind: 'unreachable', source: 'postgres db:5432/madras', message: 'ECONNREFUSED' } } },
      settings(),
    );
    expect(down.verdict).toBe('UNKNOWN');
    const full = buildReport(
      'status',
      { ...facts(), postgres: { ok: false, database: 'madras', host: 'db', error: { kind: 'server_full', source: 'postgres db:5432/madras', message: 'sorry, too many clients already' } } },
      settings(),
    );
    expect(full.verdict).toBe('CRIT');
  });

  it('demand far above one server suggests a pooler', () => {
    const big = instance({ workerNum: { value: 64, origin: 'env' }, poolSize: { value: 20, origin: 'env' } });
    const r = buildReport('status', facts({ maxConnections: 500 }, [big]), settings());
    expect(r.recommendations.map((x) => x.code)).toContain('use_pooler');
  });
});
