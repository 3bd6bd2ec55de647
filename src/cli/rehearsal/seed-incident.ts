/**
 * The incident the snapshot's rehearsal stages (see rehearse.ts): the runbook's own, two instances
 * of the app on the host's network, each a Swoole master, manager and 4 workers with a pool of 5,
 * 40 connections against max_connections 40. The PostgreSQL and Docker stand-ins and the made-up
 * /proc all answer from this one description, so that every step of a report finds what it looks for.
 */
import type { ActivityRow } from '../../probes/postgres/activity-query.js';

export interface SeedProcess {
  pid: number;
  ppid: number;
  /** Local ports of its connections to the database; each socket's inode is its port. */
  ports: number[];
}

export interface SeedContainer {
  id: string;
  name: string;
  /** Creation, whole seconds since the epoch (the older one is the extra instance). */
  created: number;
  processes: SeedProcess[];
}

export const SEED_WORKERS = 4;
export const SEED_POOL_SIZE = 5;
export const SEED_MAX_CONNECTIONS = 40;

export const SEED_CONTAINERS: SeedContainer[] = [1, 2].map((n) => {
  const master = 1000 * n;
  return {
    id: String(n).repeat(64),
    name: `php_swoole_app_${n}`,
    created: 1_767_225_600 + 3600 * n,
    // master, manager, then the workers, each holding a full pool.
    processes: Array.from({ length: SEED_WORKERS + 2 }, (_, i) => ({
      pid: master + i,
      ppid: i === 0 ? 1 : i === 1 ? master : master + 1,
      ports: i < 2 ? [] : Array.from({ length: SEED_POOL_SIZE }, (_, j) => 20_000 + (master + i) * 10 + j),
    })),
  };
});

/** Each container's environment: the runbook's two settings, and the DSN of the database (on the host's network). */
export function seedEnv(databasePort: number): string[] {
  return [`DB_POOL_SIZE=${SEED_POOL_SIZE}`, `SWOOLE_WORKER_NUM=${SEED_WORKERS}`, `DB_DSN=pgsql:host=127.0.0.1;port=${databasePort};dbname=madras`];
}

/** The one row of ACTIVITY_SQL: every app connection idle for 12 minutes, and dbpool's own session. */
export function seedActivityRow(serverPort: number): ActivityRow {
  const app = SEED_CONTAINERS.flatMap((c) => c.processes.flatMap((p) => p.ports.map((port) => ({ port, application: c.name }))));
  const idleSeconds = 720;
  return {
    server_version: '16.4',
    server_version_num: 160004,
    database: 'madras',
    max_connections: SEED_MAX_CONNECTIONS,
    superuser_reserved_connections: 3,
    reserved_connections: 0,
    own_pid: 999,
    server_port: serverPort,
    sessions: app.map((s, i) => [2000 + i, '127.0.0.1', s.port, 'idle', 'app', s.application, idleSeconds]),
    client_connections: app.length + 1,
    own_connections: 1,
    database_connections: app.length + 1,
    background_processes: 6,
    app_connections: app.length,
    state_active: 1,
    state_idle: app.length,
    state_idle_in_transaction: 0,
    state_idle_in_transaction_aborted: 0,
    state_hidden: 0,
    state_other: 0,
    by_application: SEED_CONTAINERS.map((c) => [c.name, app.filter((s) => s.application === c.name).length]),
    by_user: [['app', app.length]],
    by_client: [['127.0.0.1', app.length]],
    oldest_idle_seconds: idleSeconds,
    oldest_idle_in_transaction_seconds: null,
    idle_sessions: app.slice(0, 3).map((s, i) => ({
      pid: 2000 + i,
      user: 'app',
      application: s.application,
      client: '127.0.0.1',
      idleSeconds,
      backendStart: '2026-01-01T00:00:00.000Z',
      app: true,
    })),
  };
}
