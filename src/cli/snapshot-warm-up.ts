/**
 * Runs once while the startup snapshot is built (snapshot-entry.ts): a made-up seed incident through
 * the steps a report takes, so that V8 compiles their functions then and keeps the bytecode in the
 * snapshot, and no run compiles them again (V8 compiles a function on its first call: ~1 ms for each
 * few hundred lines). Pure steps only (the probes' parsers, the core, the renderers, in both
 * languages): nothing here reads the environment, the clock of a run or the network, and nothing
 * it makes is kept; module state it fills (the command table) is the same for every run.
 */
import type { Config } from '../config.js';
import { prepareCommand } from '../commands/command-table.js';
import { parseCommandLine } from '../commands/parse-command-line.js';
import type { AppInstance, Facts, PostgresFacts } from '../core/facts.js';
import { buildReport, REPORT_VIEWS } from '../core/report.js';
import { reportSettings } from '../diagnosis/diagnose.js';
import { createFormatter } from '../i18n/format.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import { classifyProcessRoles } from '../probes/classify-process-roles.js';
import { containerPoolSettings } from '../probes/docker/container-settings.js';
import { countLogPatterns } from '../probes/docker/count-log-patterns.js';
import { selectAppProcesses } from '../probes/docker/parse-process-table.js';
import { parseTcpTable } from '../probes/proc-sockets.js';
import { readDbEndpoint } from '../probes/read-db-endpoint.js';
import { renderJson } from '../render/json.js';
import { renderPluginLine } from '../render/plugin-line.js';
import { renderText } from '../render/text.js';

const AT = '2026-01-01T00:00:00.000Z';
const PG_PORT = 5432;

export function warmUpReportPath(config: Config): void {
  for (const argv of [['status'], ['check'], ['status', '--json']]) {
    const line = parseCommandLine(argv);
    const { lang: _lang, json: _json, ...options } = line.options;
    prepareCommand({ ...line, options: options as Record<string, string | true> });
  }
  const facts: Facts = { observedAt: AT, postgres: { ok: true, facts: postgresFacts() }, instances: [{ source: 'docker unix:///var/run/docker.sock', ok: true, instances: [1, 2].map((n) => instance(n, config)) }] };
  for (const view of REPORT_VIEWS) {
    const report = buildReport(view, facts, reportSettings(config));
    renderJson(report);
    for (const lang of ['en', 'fa'] as Lang[]) {
      renderPluginLine(report, catalogFor(lang), createFormatter(lang, { timeZone: config.timeZone }));
      for (const color of [false, true]) renderText(report, { lang, color, timeZone: config.timeZone });
    }
  }
}

/** Instance n's master and manager, then 4 workers holding 5 connections each (local port = inode). */
function processesOf(n: number): { pid: number; ppid: number; command: string; ports: number[] }[] {
  const master = 100 * n;
  return [0, 1, 2, 3, 4, 5].map((i) => ({
    pid: master + i,
    ppid: i === 0 ? 1 : i === 1 ? master : master + 1,
    command: 'php server.php',
    ports: i < 2 ? [] : [0, 1, 2, 3, 4].map((j) => 30000 + (master + i) * 10 + j),
  }));
}

/** Two instances of 4 workers with a pool of 5 each: 40 idle connections of the app, one of dbpool. */
function postgresFacts(): PostgresFacts {
  const sessions = [1, 2].flatMap((n) =>
    processesOf(n).flatMap((p) =>
      p.ports.map((port) => ({ pid: port - 29000, clientAddr: '127.0.0.1', clientPort: port, state: 'idle', user: 'app', application: `php_swoole_app_${n}`, stateSeconds: 700 })),
    ),
  );
  return {
    serverVersion: '16.4',
    serverVersionNum: 160004,
    database: 'app',
    host: `127.0.0.1:${PG_PORT}`,
    maxConnections: 40,
    superuserReservedConnections: 3,
    reservedConnections: 0,
    clientConnections: 41,
    ownConnections: 1,
    databaseConnections: 41,
    backgroundProcesses: 6,
    appConnections: 40,
    states: { active: 1, idle: 40, idleInTransaction: 0, idleInTransactionAborted: 0, other: 0, hidden: 0 },
    statesVisible: true,
    byApplication: [{ key: 'php_swoole_app_1', count: 20 }, { key: 'php_swoole_app_2', count: 20 }],
    byUser: [{ key: 'app', count: 40 }],
    byClient: [{ key: '127.0.0.1', count: 40 }],
    oldestIdleSeconds: 739,
    oldestIdleInTransactionSeconds: null,
    idleSessions: sessions.slice(0, 2).map((s) => ({ pid: s.pid, user: s.user, application: s.application, client: s.clientAddr, idleSeconds: s.stateSeconds, backendStart: AT, app: true })),
    idleMinutes: 10,
    ownPid: 999,
    serverPort: PG_PORT,
    sessions,
  };
}

/** One container as the Docker probe makes it, through the probe's own parsers. */
function instance(n: number, config: Config): AppInstance {
  const env = ['DB_POOL_SIZE=5', 'SWOOLE_WORKER_NUM=4', `DB_DSN=pgsql:host=127.0.0.1;port=${PG_PORT};dbname=app`];
  const entries = processesOf(n);
  const table = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n${entries
    .flatMap((e) => e.ports)
    .map((port, i) => `   ${i}: 0100007F:${port.toString(16).toUpperCase()} 0100007F:${PG_PORT.toString(16).toUpperCase()} 01 00000000:00000000 00:00000000 00000000     0        0 ${port} 1 0000000000000000 20 4 30 10 -1`)
    .join('\n')}\n`;
  const connections = parseTcpTable(table, new Set([PG_PORT]));
  const processes = classifyProcessRoles(selectAppProcesses(entries, new RegExp(config.app.processPattern))).map((p) => ({
    ...p,
    connections: (entries.find((e) => e.pid === p.pid)?.ports ?? []).flatMap((port) => connections.get(port) ?? []),
  }));
  const logs = countLogPatterns(
    [`${AT} Worker #0 starting (pid ${100 * n + 2})`, `${AT} SQLSTATE[08006] FATAL: sorry, too many clients already`],
    { workerStart: config.app.logWorkerStartPattern, serverFull: config.app.logServerFullPatterns, poolExhausted: config.app.logPoolExhaustedPatterns },
    AT,
  );
  return {
    id: String(n).repeat(64),
    name: `php_swoole_app_${n}`,
    source: 'docker',
    location: 'unix:///var/run/docker.sock',
    image: 'app:latest',
    createdAt: AT,
    startedAt: AT,
    state: 'running',
    ...containerPoolSettings(env, config.app),
    dbEndpoint: readDbEndpoint(env),
    restartPolicy: null,
    processes,
    addresses: [],
    logs,
    errors: [],
  };
}
