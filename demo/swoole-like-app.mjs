// A stand-in for the PHP/Swoole app, for the offline demo and the local-process tests: a master
// forks SWOOLE_WORKER_NUM workers, each logs "Worker #N starting" and holds DB_POOL_SIZE real
// PostgreSQL connections, as the real app's per-worker pools do. Runs on plain Node, no PHP needed.
//   node demo/swoole-like-app.mjs [--tag NAME]       (master)
// Env: DB_POOL_SIZE, SWOOLE_WORKER_NUM, DATABASE_URL (optional: without it workers hold nothing), APP_NAME,
// APP_SHUTDOWN_SECONDS (a slow graceful shutdown: the master exits that long after SIGTERM, as Swoole's
// max_wait_time lets workers finish).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const args = process.argv.slice(2);
const workerIndex = args.indexOf('--worker');

if (workerIndex === -1) {
  const workers = Number(process.env.SWOOLE_WORKER_NUM ?? 4);
  const children = [];
  for (let n = 0; n < workers; n++) {
    children.push(fork(fileURLToPath(import.meta.url), [...args, '--worker', String(n)], { stdio: 'inherit' }));
  }
  const stop = () => {
    setTimeout(() => {
      for (const c of children) c.kill('SIGTERM');
      process.exit(0);
    }, Number(process.env.APP_SHUTDOWN_SECONDS ?? 0) * 1000);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  setInterval(() => {}, 1 << 30);
} else {
  const n = args[workerIndex + 1];
  const poolSize = Number(process.env.DB_POOL_SIZE ?? 5);
  const url = process.env.DATABASE_URL;
  console.log(`[${new Date().toISOString()}] Worker #${n} starting`);
  // The master's death closes the IPC channel: never outlive it.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  const held = [];
  if (url) {
    for (let i = 0; i < poolSize; i++) {
      const client = new pg.Client({ connectionString: url, application_name: process.env.APP_NAME ?? 'swoole-like-app' });
      client.on('error', () => {});
      try {
        await client.connect();
        held.push(client);
      } catch (err) {
        console.error(`[${new Date().toISOString()}] Worker #${n}: SQLSTATE[${err.code ?? '08006'}] ${err.message}`);
      }
    }
    if (held.length < poolSize) {
      console.error(`[${new Date().toISOString()}] Worker #${n}: All ${held.length} connections are in use`);
    }
  }
  setInterval(() => {}, 1 << 30);
}
