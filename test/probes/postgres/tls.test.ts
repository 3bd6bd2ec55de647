/**
 * TLS between dbpool and PostgreSQL, set in DATABASE_URL as for libpq. node-postgres differs from
 * psql in one way that bites during an incident: sslmode=require verifies the certificate. Every
 * failure must say what to change in DATABASE_URL.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import type { PostgresObservation } from '../../../src/core/facts.js';
import { silentLogger } from '../../../src/logger.js';
import { createPostgresProbe } from '../../../src/probes/postgres/postgres-probe.js';
import { which } from '../../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../../helpers/postgres-server.js';
import { makeCertificates } from '../../helpers/test-certificates.js';
import { en } from '../../../src/i18n/en.js';
import { createFormatter } from '../../../src/i18n/format.js';

/** What a report says of a failed observation, in English. */
const said = (o: PostgresObservation) => (o.ok ? '' : en.label.postgresUnavailable({ message: o.error.message, hint: o.error.hint ?? null }, createFormatter('en')));

const noOpenssl = (await which('openssl')) ? null : 'openssl is needed to make the certificates';
if (noOpenssl) console.warn(`[PostgreSQL TLS tests skipped] ${noOpenssl}`);

describe.skipIf(noOpenssl !== null)('TLS to PostgreSQL (a real server with ssl on, a private CA)', () => {
  let dir: string;
  let tls: TestPostgres;
  let plain: TestPostgres;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-pg-tls-'));
    await makeCertificates(dir, 'dbpool test CA');
    const read = (f: string) => readFile(path.join(dir, f), 'utf8');
    [tls, plain] = await Promise.all([startPostgres({ ssl: { cert: await read('server.pem'), key: await read('server-key.pem') } }), startPostgres()]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all([tls?.stop(), plain?.stop()]);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function observe(url: string): Promise<PostgresObservation> {
    const probe = createPostgresProbe(loadConfig({ DATABASE_URL: url, DBPOOL_CONNECT_TIMEOUT_MS: '5000' }).postgres!, { logger: silentLogger() });
    try {
      return await probe.observe({ idleMinutes: 10 });
    } finally {
      await probe.close();
    }
  }
  const ca = () => path.join(dir, 'ca.pem');

  it('verify-full with the CA in sslrootcert: connected, and the monitoring connection is encrypted', async () => {
    const config = loadConfig({ DATABASE_URL: `${tls.url()}?sslmode=verify-full&sslrootcert=${ca()}` }).postgres!;
    const probe = createPostgresProbe(config, { logger: silentLogger() });
    const admin = await tls.admin();
    try {
      const o = await probe.observe({ idleMinutes: 10 });
      expect(o.ok && o.facts.database).toBe(tls.database);
      const { rows } = await admin.query<{ ssl: boolean }>('SELECT ssl FROM pg_stat_ssl WHERE pid = $1', [probe.pid()]);
      expect(rows).toEqual([{ ssl: true }]);
    } finally {
      await admin.end();
      await probe.close();
    }
  });

  it('sslmode=require with a private CA: refused, saying how to fix DATABASE_URL, with no SECURITY WARNING from pg on stderr', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const o = await observe(`${tls.url()}?sslmode=require`).finally(() => process.off('warning', onWarning));
    expect(warnings.filter((w) => w.includes('SSL'))).toEqual([]);
    expect(o).toMatchObject({ ok: false, error: { kind: 'auth_failed', code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' } });
    expect(o).toMatchObject({ ok: false, error: { hint: { code: 'pg_tls_untrusted' } } });
    expect(said(o)).toContain("Add sslrootcert=<the CA's file> to DATABASE_URL, or uselibpqcompat=true&sslmode=require");
  });

  it('uselibpqcompat=true&sslmode=require: encrypted without checking, as psql does', async () => {
    expect((await observe(`${tls.url()}?uselibpqcompat=true&sslmode=require`)).ok).toBe(true);
  });

  it('a name the certificate was not issued for: refused, saying so', async () => {
    const o = await observe(`${tls.url().replace('127.0.0.1', 'localhost')}?sslmode=verify-full&sslrootcert=${ca()}`);
    expect(o).toMatchObject({ ok: false, error: { kind: 'auth_failed', hint: { code: 'pg_tls_wrong_name' } } });
    expect(said(o)).toContain('connect by the host name the certificate was issued for');
  });

  it('sslmode on a server with ssl off, and a CA file that is not there: each says what to change', async () => {
    const off = await observe(`${plain.url()}?sslmode=require`);
    expect(off).toMatchObject({ ok: false, error: { kind: 'other', hint: { code: 'pg_ssl_off' } } });
    expect(said(off)).toContain('the server has ssl off: remove sslmode or turn ssl on');
    const missing = await observe(`${tls.url()}?sslmode=verify-full&sslrootcert=${path.join(dir, 'nope.pem')}`);
    expect(missing).toMatchObject({ ok: false, error: { kind: 'other', hint: { code: 'pg_unreadable_file', file: path.join(dir, 'nope.pem') } } });
    expect(said(missing)).toContain(`cannot read ${path.join(dir, 'nope.pem')}, named by sslrootcert`);
  });
});
