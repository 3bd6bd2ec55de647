import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemPostgresVersions, type TestPostgres } from './postgres-server.js';

export const ROLE_SCRIPT = fileURLToPath(new URL('../../deploy/dbpool-role.sql', import.meta.url));

/** psql 15+ (the role script uses \getenv): Debian's postgresql-<major>, else the one on PATH. */
export function findPsql(): string | null {
  for (const { major, binDir } of systemPostgresVersions()) {
    if (major >= 15 && existsSync(path.join(binDir, 'psql'))) return path.join(binDir, 'psql');
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, 'psql'))) return path.join(dir, 'psql');
  }
  return null;
}

/**
 * deploy/dbpool-role.sql run as an operator (or the postgres image's entrypoint) runs it: psql as the
 * superuser, ON_ERROR_STOP, with the password as psql's variable or in DBPOOL_DB_PASSWORD.
 */
export function runRoleScript(
  server: TestPostgres,
  given: { variable?: string; environment?: string },
): Promise<{ code: number; stdout: string; stderr: string }> {
  const psql = findPsql();
  if (!psql) throw new Error('psql not found (Debian: apt-get install postgresql-client-15)');
  const args = ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', server.host, '-p', String(server.port), '-U', server.user, '-d', server.database];
  if (given.variable !== undefined) args.push('-v', `password=${given.variable}`);
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, PGPASSWORD: server.password };
  if (given.environment !== undefined) env.DBPOOL_DB_PASSWORD = given.environment;
  return new Promise((resolve) => {
    execFile(psql, [...args, '-f', ROLE_SCRIPT], { env }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
