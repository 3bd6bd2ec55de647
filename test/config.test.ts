import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, requirePostgres } from '../src/config.js';

const problems = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.variable);
    throw err;
  }
  return [];
};

describe('config', () => {
  it('reads DATABASE_URL', () => {
    const c = loadConfig({ DATABASE_URL: 'postgresql://bot:s%40cret@db.internal:6432/madras?sslmode=require' });
    expect(c.postgres).toMatchObject({ host: 'db.internal', port: 6432, user: 'bot', password: 's@cret', database: 'madras' });
  });

  it('falls back to the PG* variables', () => {
    const c = loadConfig({ PGHOST: 'db', PGUSER: 'bot', PGDATABASE: 'madras', PGPORT: '5433' });
    expect(c.postgres).toMatchObject({ host: 'db', port: 5433, user: 'bot', database: 'madras' });
  });

  it('without a database only the database-free commands can run', () => {
    const c = loadConfig({});
    expect(c.postgres).toBeUndefined();
    expect(() => requirePostgres(c)).toThrow(/DATABASE_URL: is required/);
  });

  it.each([
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL'],
    [{ PGPORT: 'abc', PGHOST: 'db' }, 'PGPORT'],
    [{ DBPOOL_LANG: 'de' }, 'DBPOOL_LANG'],
    [{ DBPOOL_WARN_UTILIZATION: '0.95' }, 'DBPOOL_WARN_UTILIZATION'],
    [{ APP_PROCESS_PATTERN: '([' }, 'APP_PROCESS_PATTERN'],
    [{ DBPOOL_IDLE_MINUTES: '-1' }, 'DBPOOL_IDLE_MINUTES'],
    [{ APP_POOL_SIZE_VAR: 'DB POOL' }, 'APP_POOL_SIZE_VAR'],
    [{ DBPOOL_PGBOUNCER_URL: 'pgbouncer:6432' }, 'DBPOOL_PGBOUNCER_URL'],
    [{ DBPOOL_PGBOUNCER_URL: 'postgres://dbpool@pgbouncer:6432/madras' }, 'DBPOOL_PGBOUNCER_URL'],
  ])('names the bad variable: %o', (env, variable) => {
    expect(problems(env)).toContain(variable);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: must be a whole number from 0 to 65535'],
    [{ PORT: '70000' }, 'PORT: must be a whole number from 0 to 65535'],
    [{ PGPORT: '5432.5', PGHOST: 'db' }, 'PGPORT: must be a whole number from 1 to 65535'],
    [{ DBPOOL_WARN_UTILIZATION: '75' }, 'DBPOOL_WARN_UTILIZATION: must be a fraction between 0 and 1, like 0.75 for 75 %'],
    [{ DBPOOL_CRIT_UTILIZATION: '90%' }, 'DBPOOL_CRIT_UTILIZATION: must be a fraction between 0 and 1, like 0.9 for 90 %'],
    [{ DBPOOL_SAFETY_MARGIN: '10' }, 'DBPOOL_SAFETY_MARGIN: must be a fraction from 0 to below 1, like 0.1 for 10 %'],
  ])('says what a newcomer should write: %o', (env, line) => {
    let refused: ConfigError | undefined;
    try {
      loadConfig(env);
    } catch (err) {
      refused = err as ConfigError;
    }
    // One line, the only one: no second refusal from a comparison with the bad value.
    expect(refused?.message).toBe(`Invalid configuration:\n  ${line}`);
  });

  it('reads one admin console per PgBouncer from DBPOOL_PGBOUNCER_URL', () => {
    const c = loadConfig({ DBPOOL_PGBOUNCER_URL: 'postgres://dbpool:s%40cret@pgb1:6432/pgbouncer, postgres://stats@pgb2/pgbouncer' });
    expect(c.pgbouncers.map(({ host, port, user, password, database }) => ({ host, port, user, password, database }))).toEqual([
      { host: 'pgb1', port: 6432, user: 'dbpool', password: 's@cret', database: 'pgbouncer' },
      { host: 'pgb2', port: 6432, user: 'stats', password: undefined, database: 'pgbouncer' },
    ]);
    expect(loadConfig({}).pgbouncers).toEqual([]);
  });

  it('one clock for every time shown: DBPOOL_TZ, else its older name DBPOOL_SUMMARY_TZ, else Tehran', () => {
    expect(loadConfig({}).timeZone).toBe('Asia/Tehran');
    expect(loadConfig({ DBPOOL_SUMMARY_TZ: 'Europe/Berlin' }).timeZone).toBe('Europe/Berlin');
    expect(loadConfig({ DBPOOL_TZ: 'UTC', DBPOOL_SUMMARY_TZ: 'Europe/Berlin' }).timeZone).toBe('UTC');
    expect(problems({ DBPOOL_TZ: 'Mars/Olympus' })).toEqual(['DBPOOL_TZ']);
  });

  it('the error message never repeats a value (it may be a secret)', () => {
    try {
      loadConfig({ DATABASE_URL: 'mysql://user:hunter2@db/x' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('a Slack token of the wrong kind names its variable and what belongs there, never the token', () => {
    expect(problems({ SLACK_APP_TOKEN: 'xoxb-1-bot-token-in-the-wrong-place' })).toEqual(['SLACK_APP_TOKEN']);
    expect(problems({ SLACK_BOT_TOKEN: 'xapp-1-app-token-in-the-wrong-place' })).toEqual(['SLACK_BOT_TOKEN']);
    expect(problems({ SLACK_BOT_TOKEN: 'xoxp-user-token', SLACK_APP_TOKEN: 'nonsense' })).toEqual(['SLACK_BOT_TOKEN', 'SLACK_APP_TOKEN']);
    try {
      loadConfig({ SLACK_APP_TOKEN: 'xoxb-1-s3cr3t' });
    } catch (err) {
      expect((err as Error).message).toContain('xapp-');
      expect((err as Error).message).not.toContain('s3cr3t');
    }
    expect(loadConfig({ SLACK_BOT_TOKEN: ' xoxb-1 ', SLACK_APP_TOKEN: 'xapp-1' }).slack).toMatchObject({ botToken: 'xoxb-1', appToken: 'xapp-1' });
    expect(loadConfig({ SLACK_APP_TOKEN: '' }).slack.appToken).toBeUndefined();
  });
});

describe('Kubernetes settings (issue #18)', () => {
  it('reads the kubeconfig, namespace and selector, and the cluster the kubelet names', () => {
    const c = loadConfig({ DBPOOL_INSTANCE_SOURCE: 'kubernetes', DBPOOL_KUBECONFIG: 'kube.json', APP_K8S_NAMESPACE: 'shop', APP_K8S_SELECTOR: 'app in (shop,shop-new),tier!=db' });
    expect(c.app.instanceSource).toBe('kubernetes');
    expect(c.kubernetes).toEqual({ kubeconfig: 'kube.json', namespace: 'shop', selector: 'app in (shop,shop-new),tier!=db', inCluster: undefined, exec: false });
    expect(loadConfig({ KUBERNETES_SERVICE_HOST: '10.96.0.1' }).kubernetes.inCluster).toEqual({ host: '10.96.0.1', port: 443 });
    expect(loadConfig({ DBPOOL_K8S_EXEC: 'true' }).kubernetes.exec).toBe(true);
  });

  it('a bad namespace, selector or port stops start-up naming the variable', () => {
    for (const [variable, value] of [
      ['APP_K8S_NAMESPACE', 'Shop_1'],
      ['APP_K8S_SELECTOR', 'app=$(whoami)'],
      ['KUBERNETES_SERVICE_PORT', '70000'],
      ['DBPOOL_K8S_EXEC', 'sometimes'],
      ['DBPOOL_INSTANCE_SOURCE', 'k8s'],
    ] as const) {
      expect(problems({ [variable]: value }), variable).toEqual([variable]);
    }
  });
});
