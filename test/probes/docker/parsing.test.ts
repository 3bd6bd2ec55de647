/** The pure parts of the Docker source: addresses, stream framing, log counting, settings, errors, concurrency. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { dockerProbeError } from '../../../src/probes/docker/classify-docker-error.js';
import { containerPoolSettings } from '../../../src/probes/docker/container-settings.js';
import { countLogPatterns, splitLines } from '../../../src/probes/docker/count-log-patterns.js';
import { demuxDockerStream } from '../../../src/probes/docker/demux-docker-stream.js';
import { frameDockerStream } from '../../helpers/docker-frames.js';
import { parseEngineAddress } from '../../../src/probes/docker/engine-address.js';
import { parseLabelSelector, selectsContainer } from '../../../src/probes/docker/list-app-containers.js';
import { mapWithConcurrency } from '../../../src/probes/docker/map-with-concurrency.js';

const plain = { verify: false, certPath: undefined };

describe('engine addresses', () => {
  it.each([
    [undefined, { kind: 'socket', address: 'unix:///var/run/docker.sock', socketPath: '/var/run/docker.sock' }],
    ['unix:///run/user/1000/docker.sock', { kind: 'socket', socketPath: '/run/user/1000/docker.sock' }],
    ['/var/run/docker.sock', { kind: 'socket', address: 'unix:///var/run/docker.sock' }],
    ['tcp://10.0.0.5:2375', { kind: 'tcp', address: 'tcp://10.0.0.5:2375', host: '10.0.0.5', port: 2375, tls: false }],
    ['tcp://app1:2376', { kind: 'tcp', host: 'app1', port: 2376, tls: true, verify: false }],
    ['app2:2375', { kind: 'tcp', address: 'tcp://app2:2375', tls: false }],
    ['https://app3', { kind: 'tcp', port: 2376, tls: true }],
  ])('%s', (address, expected) => {
    expect(parseEngineAddress(address, plain)).toMatchObject(expected);
  });

  it('DOCKER_TLS_VERIFY and DOCKER_CERT_PATH turn TLS on for tcp', () => {
    expect(parseEngineAddress('tcp://app1:2375', { verify: true, certPath: '/certs' })).toMatchObject({ tls: true, verify: true, certPath: '/certs' });
    expect(parseEngineAddress('tcp://app1:2375', { verify: false, certPath: '/certs' })).toMatchObject({ tls: true, verify: false });
  });

  it.each(['ftp://x', 'tcp://app1', 'unix://'])('%s is refused with a reason', (address) => {
    expect(() => parseEngineAddress(address, plain)).toThrow(/docker engine address/);
  });

  it('ssh:// is refused, with the safe way to reach that engine instead', () => {
    expect(() => parseEngineAddress('ssh://deploy@app4', plain)).toThrow(
      'docker engine address "ssh://deploy@app4" is an ssh engine, which dbpool does not connect to (it could not check the host key): ' +
        'forward the engine\'s socket over ssh instead (ssh -nNT -L /run/dbpool/app4.sock:/var/run/docker.sock deploy@app4) ' +
        'and give unix:///run/dbpool/app4.sock, or use tcp with TLS',
    );
  });

  it('a bad engine address stops start-up, naming the variable', () => {
    expect(() => loadConfig({ DBPOOL_DOCKER_HOSTS: 'unix:///var/run/docker.sock, ftp://x' })).toThrow(/DBPOOL_DOCKER_HOSTS: docker engine address "ftp:\/\/x" has an unsupported scheme/);
    expect(() => loadConfig({ DOCKER_HOST: 'ssh://deploy@app4' })).toThrow(/DOCKER_HOST: docker engine address "ssh:\/\/deploy@app4" is an ssh engine/);
    expect(loadConfig({ DOCKER_HOST: '' }).docker.hosts).toEqual([]);
  });

  it('the config reads the TLS variables', () => {
    const config = loadConfig({ DOCKER_HOST: 'tcp://app1:2376', DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: '/certs' });
    expect(config.docker).toEqual({ hosts: ['tcp://app1:2376'], tlsVerify: true, certPath: '/certs' });
    expect(loadConfig({ DOCKER_TLS_VERIFY: '0' }).docker.tlsVerify).toBe(false);
  });
});

describe('docker stream framing', () => {
  it('splits stdout and stderr frames', () => {
    const buf = Buffer.concat([frameDockerStream(1, 'a\n'), frameDockerStream(2, 'oops\n'), frameDockerStream(1, 'b\n')]);
    const out = demuxDockerStream(buf);
    expect(out).toMatchObject({ multiplexed: true });
    expect(out.stdout.toString()).toBe('a\nb\n');
    expect(out.stderr.toString()).toBe('oops\n');
  });

  it('raw TTY output is taken whole', () => {
    const raw = Buffer.from('2026-11-26T18:48:16.1Z Worker #0 starting\n');
    expect(demuxDockerStream(raw)).toEqual({ stdout: raw, stderr: Buffer.alloc(0), multiplexed: false });
  });

  it('a truncated frame means it was not framed', () => {
    expect(demuxDockerStream(frameDockerStream(1, 'hello').subarray(0, 10)).multiplexed).toBe(false);
  });

  it('lines, with CRLF and without a final newline', () => {
    expect([...splitLines(Buffer.from('a\r\nb\n\nc'))]).toEqual(['a', 'b', '', 'c']);
  });
});

describe('log counting', () => {
  const config = loadConfig({});
  const patterns = {
    workerStart: config.app.logWorkerStartPattern,
    serverFull: config.app.logServerFullPatterns,
    poolExhausted: config.app.logPoolExhaustedPatterns,
  };

  it('counts each pattern with the time of its latest line', () => {
    const stats = countLogPatterns(
      [
        '2026-11-26T18:00:00.000000001Z [..] Worker #0 starting (pid 6)',
        '2026-11-26T18:00:00.500Z [..] Worker #1 starting (pid 7)',
        '2026-11-26T18:00:01Z Worker #1: SQLSTATE[08006] [7] connection failed: FATAL:  sorry, too many clients already',
        '2026-11-26T18:00:02Z FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute',
        '2026-11-26T18:05:00Z PDOException: All 5 connections are in use',
        '2026-11-26T18:06:00Z Hyperf\\Pool\\Exception\\ConnectionException: Connection pool exhausted. Cannot establish new connection before wait_timeout.',
        '',
        'no timestamp: Worker #2 starting',
      ],
      patterns,
      '2026-11-26T17:00:00.000Z',
    );
    expect(stats.linesRead).toBe(7);
    expect(stats.since).toBe('2026-11-26T17:00:00.000Z');
    expect(stats.workerStarts).toMatchObject({ pattern: 'Worker.*starting', count: 3, lastSeen: '2026-11-26T18:00:00.500Z' });
    expect(stats.serverFull.map((p) => [p.count, p.lastSeen])).toEqual([
      [1, '2026-11-26T18:00:01.000Z'],
      [1, '2026-11-26T18:00:02.000Z'],
    ]);
    expect(stats.poolExhausted.map((p) => [p.pattern, p.count])).toEqual([
      ['All \\d+ connections are in use', 1],
      ['Connection pool exhausted', 1],
    ]);
  });

  it('keeps what the app logged, from the match on, to quote it rather than the pattern', () => {
    const stats = countLogPatterns(
      [
        '2026-11-26T18:00:02Z FATAL:  remaining connection slots are reserved for roles with the SUPERUSER attribute',
        '2026-11-26T18:05:00Z PDOException: All 5 connections are in use',
        `2026-11-26T18:06:00Z Connection pool exhausted. ${'x'.repeat(200)}`,
      ],
      patterns,
      null,
    );
    expect(stats.serverFull.map((p) => p.lastMatch)).toEqual([null, 'remaining connection slots are reserved for roles with the SUPERUSER attribute']);
    expect(stats.poolExhausted[0]?.lastMatch).toBe('All 5 connections are in use');
    expect(stats.poolExhausted[1]?.lastMatch).toHaveLength(100);
    expect(stats.poolExhausted[1]?.lastMatch).toMatch(/^Connection pool exhausted\. x+…$/);
  });

  it('lines stamped before `since` are left out, to the millisecond (the check after an action)', () => {
    const stats = countLogPatterns(
      [
        '2026-11-26T18:00:00.499999999Z sorry, too many clients already',
        '2026-11-26T18:00:00.500Z Worker #0 starting',
        '2026-11-26T18:00:03Z Worker #1 starting',
        'no timestamp: Worker #2 starting',
      ],
      patterns,
      '2026-11-26T18:00:00.500Z',
    );
    expect(stats.linesRead).toBe(3);
    expect(stats.workerStarts.count).toBe(3);
    expect(stats.serverFull.map((p) => p.count)).toEqual([0, 0]);
  });

  it('nothing matching: zero counts and no time', () => {
    const stats = countLogPatterns(['hello'], patterns, null);
    expect(stats.workerStarts).toEqual({ pattern: 'Worker.*starting', count: 0, lastSeen: null, lastMatch: null });
  });
});

describe('container selection and settings', () => {
  it('name pattern or label', () => {
    const selector = { namePattern: /php_swoole/, label: parseLabelSelector('com.example.app=madras') };
    expect(selectsContainer(selector, 'php_swoole_app_new', {})).toBe(true);
    expect(selectsContainer(selector, 'api', { 'com.example.app': 'madras' })).toBe(true);
    expect(selectsContainer(selector, 'api', { 'com.example.app': 'other' })).toBe(false);
    expect(selectsContainer({ namePattern: /x^/, label: parseLabelSelector('swoole') }, 'api', { swoole: '' })).toBe(true);
    expect(parseLabelSelector('  ')).toBeUndefined();
  });

  it('settings from the configured environment, with fallbacks and reasons', () => {
    const app = loadConfig({ APP_WORKER_NUM_FALLBACK: '4' }).app;
    expect(containerPoolSettings(['DB_POOL_SIZE=30', 'PATH=/bin', 'SWOOLE_TASK_WORKER_NUM=2'], app)).toEqual({
      poolSize: { value: 30, origin: 'env' },
      workerNum: { value: 4, origin: 'fallback' },
      taskWorkerNum: { value: 2, origin: 'env' },
    });
    expect(containerPoolSettings(['DB_POOL_SIZE=thirty'], app).poolSize).toMatchObject({ origin: 'unknown', reason: expect.stringContaining('not a positive integer') });
    const unreadable = containerPoolSettings(null, loadConfig({}).app, 'inspect failed: HTTP 404');
    expect(unreadable.poolSize).toEqual({ value: null, origin: 'unknown', reason: 'inspect failed: HTTP 404' });
    expect(unreadable.taskWorkerNum.origin).toBe('unknown');
  });
});

describe('errors and concurrency', () => {
  it.each([
    [{ code: 'ENOENT', message: 'connect ENOENT /x.sock' }, 'unreachable'],
    [{ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, 'unreachable'],
    [{ code: 'EACCES', message: 'connect EACCES /var/run/docker.sock' }, 'permission_denied'],
    [{ name: 'TimeoutError', message: 'The operation was aborted due to timeout' }, 'timeout'],
    [{ statusCode: 404, json: { message: 'No such container: abc' } }, 'not_found'],
    [{ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'auth_failed'],
    [{ statusCode: 500, json: { message: 'boom' } }, 'other'],
  ])('%o is %s', (err, kind) => {
    const e = dockerProbeError(err, 'docker unix:///x.sock php_swoole_app', 'top');
    expect(e.kind).toBe(kind);
    expect(e.source).toBe('docker unix:///x.sock php_swoole_app');
    expect(e.message).toMatch(/^top\b/);
  });

  it('maps with a bound on calls in flight, keeping order', async () => {
    let inFlight = 0;
    let most = 0;
    const out = await mapWithConcurrency([5, 1, 4, 2, 3, 0], 2, async (n) => {
      most = Math.max(most, ++inFlight);
      await new Promise((r) => setTimeout(r, n * 5));
      inFlight--;
      return n * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30, 0]);
    expect(most).toBe(2);
  });
});
