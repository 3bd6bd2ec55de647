/** Attributing each connection to an instance and a process: facts in, attribution out; never a guess. */
import { describe, expect, it } from 'vitest';
import { attributeConnections } from '../../src/core/attribution.js';
import type { AppProcess, ClientSession, TcpConnection } from '../../src/core/facts.js';
import { canonicalIp } from '../../src/core/ip-address.js';
import { buildReport } from '../../src/core/report.js';
import { facts, instance, postgresFacts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

let nextInode = 1000;
const conn = (localAddress: string, localPort: number, inode = nextInode++): TcpConnection => ({ localAddress, localPort, remoteAddress: '10.0.0.1', remotePort: 5432, inode });
const proc = (pid: number, connections: TcpConnection[] | undefined, role: AppProcess['role'] = 'worker_or_task'): AppProcess => ({
  pid,
  role,
  command: 'php server.php',
  ...(connections ? { connections } : {}),
});
const session = (pid: number, clientAddr: string | null, clientPort: number | null, state = 'idle', stateSeconds = 5): ClientSession => ({
  pid,
  clientAddr,
  clientPort,
  state,
  user: 'app',
  application: 'php',
  stateSeconds,
});

describe('attribution', () => {
  it('a session whose client end is a socket of a process belongs to that process and its instance', () => {
    const a = instance({ id: 'a', name: 'php_swoole_app', processes: [proc(1, [], 'master'), proc(11, [conn('10.0.0.5', 40001), conn('10.0.0.5', 40002)]), proc(12, [conn('10.0.0.5', 40003)])] });
    const b = instance({ id: 'b', name: 'php_swoole_app_new', processes: [proc(21, [conn('10.0.0.5', 40004)])] });
    const pg = postgresFacts({
      sessions: [
        session(901, '10.0.0.5', 40001),
        session(902, '10.0.0.5', 40002, 'idle in transaction', 30),
        session(903, '10.0.0.5', 40003, 'active'),
        session(904, '10.0.0.5', 40004),
      ],
    });
    const result = attributeConnections(pg, [a, b]);
    expect(result?.unattributed.total).toBe(0);
    expect(result?.instances[0]).toMatchObject({
      id: 'a',
      method: 'sockets',
      held: { total: 3, idle: 1, active: 1, idleInTransaction: 1, other: 0 },
      withoutProcess: 0,
      processes: [
        { pid: 11, held: { total: 2, idleInTransaction: 1 }, oldestIdleInTransactionSeconds: 30 },
        { pid: 12, held: { total: 1, active: 1 } },
      ],
    });
    expect(result?.instances[1]).toMatchObject({ id: 'b', held: { total: 1 }, processes: [{ pid: 21 }] });
  });

  it("one socket in several processes (inherited over fork) is the instance's, no process's", () => {
    const shared = conn('127.0.0.1', 50000, 77);
    const a = instance({ processes: [proc(1, [shared], 'master'), proc(2, [shared])] });
    const result = attributeConnections(postgresFacts({ sessions: [session(1, '127.0.0.1', 50000)] }), [a]);
    expect(result?.instances[0]).toMatchObject({ held: { total: 1 }, withoutProcess: 1, processes: [] });
  });

  it('the same client end in two namespaces (two sockets): ambiguous, not guessed', () => {
    const a = instance({ id: 'a', processes: [proc(1, [conn('172.18.0.2', 40000)])] });
    const b = instance({ id: 'b', processes: [proc(2, [conn('172.18.0.2', 40000)])] });
    const result = attributeConnections(postgresFacts({ sessions: [session(1, '172.18.0.2', 40000)] }), [a, b]);
    expect(result?.unattributed).toMatchObject({ total: 1, ambiguous: 1 });
    expect(result?.instances.map((i) => i.held.total)).toEqual([0, 0]);
  });

  it('processes not visible: the container address finds the instance; an address of two instances does not', () => {
    const a = instance({ id: 'a', addresses: ['172.18.0.2'] });
    const b = instance({ id: 'b', addresses: ['172.18.0.3', 'fd00::3'] });
    const c = instance({ id: 'c', addresses: ['172.19.0.3'] });
    const d = instance({ id: 'd', addresses: ['172.19.0.3'] });
    const pg = postgresFacts({
      sessions: [session(1, '172.18.0.2', 1), session(2, '172.18.0.2', 2), session(3, 'fd00:0::3', 3), session(4, '172.19.0.3', 4)],
    });
    const result = attributeConnections(pg, [a, b, c, d]);
    expect(result?.instances.map((i) => [i.id, i.method, i.held.total, i.withoutProcess])).toEqual([
      ['a', 'address', 2, 2],
      ['b', 'address', 1, 1],
      ['c', 'address', 0, 0],
      ['d', 'address', 0, 0],
    ]);
    expect(result?.unattributed).toMatchObject({ total: 1, ambiguous: 1 });
  });

  it('a unix socket, a hidden row and a client nobody here holds are unattributed, each with its reason', () => {
    const a = instance({ processes: [proc(1, [conn('127.0.0.1', 40000)])] });
    const pg = postgresFacts({ sessions: [session(1, null, -1), session(2, null, null, 'hidden'), session(3, '10.9.9.9', 5555), session(4, '::ffff:127.0.0.1', 40000)] });
    const result = attributeConnections(pg, [a]);
    expect(result?.unattributed).toEqual({ total: 3, unix_socket: 1, hidden: 1, ambiguous: 0, no_match: 1 });
    // An IPv4 client of a dual-stack server shows as ::ffff:127.0.0.1: it is the same client end.
    expect(result?.instances[0]?.held.total).toBe(1);
  });

  it('nothing to match against, or no session list: no attribution at all', () => {
    expect(attributeConnections(postgresFacts({ sessions: [session(1, '10.0.0.5', 1)] }), [instance()])).toBeNull();
    expect(attributeConnections(postgresFacts(), [instance({ addresses: ['10.0.0.5'] })])).toBeNull();
  });

  it.each([
    ['::1', '0:0:0:0:0:0:0:1'],
    ['::ffff:10.0.0.5', '10.0.0.5'],
    ['2001:DB8::1', '2001:db8:0:0:0:0:0:1'],
    ['[fe80::1%eth0]', 'fe80:0:0:0:0:0:0:1'],
    ['10.0.0.256', null],
    ['1::2::3', null],
  ])('address %s is %s', (text, expected) => {
    expect(canonicalIp(text)).toBe(expected);
  });
});

describe('findings from the measured holding', () => {
  const quiet = (seconds: number) => [session(1, '10.0.0.5', 1, 'idle', seconds), session(2, '10.0.0.5', 2, 'idle', seconds + 60)];
  const old = instance({ id: 'old', name: 'php_swoole_app', workerNum: { value: 1, origin: 'env' }, processes: [proc(11, [conn('10.0.0.5', 1), conn('10.0.0.5', 2)])] });

  it('an instance whose connections have all been idle past the threshold serves no traffic', () => {
    const r = buildReport('status', facts({ sessions: quiet(900) }, [old]), settings());
    expect(r.findings).toEqual([{ code: 'instance_holds_idle', severity: 'info', params: { instance: 'php_swoole_app', held: 2, minutes: 15 } }]);
    expect(r.verdict).toBe('OK');
    // While the server is short of slots, it is worth a warning.
    const busy = buildReport('status', facts({ sessions: quiet(900), clientConnections: 80, appConnections: 79 }, [old]), settings());
    expect(busy.findings.find((f) => f.code === 'instance_holds_idle')?.severity).toBe('warn');
  });

  it('recently used connections are not "no traffic"', () => {
    expect(buildReport('status', facts({ sessions: quiet(30) }, [old]), settings()).findings).toEqual([]);
  });

  it('the process leaving transactions open is named', () => {
    const sessions = [session(1, '10.0.0.5', 1, 'idle in transaction', 120), session(2, '10.0.0.5', 2, 'idle')];
    const r = buildReport('status', facts({ sessions }, [old]), settings());
    expect(r.findings.find((f) => f.code === 'process_idle_in_transaction')).toEqual({
      code: 'process_idle_in_transaction',
      severity: 'warn',
      params: { instance: 'php_swoole_app', pid: 11, role: 'worker_or_task', count: 1, held: 2, oldestSeconds: 120 },
    });
  });
});
