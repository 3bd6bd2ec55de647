import type { AppInstance, Facts, PostgresFacts } from './facts.js';
import { buildReport, type Report, type ReportSettings } from './report.js';

/** The `math` calculator's input: identical instances, the runbook's own numbers. */
export interface WhatIf {
  workers: number;
  poolSize: number;
  instances: number;
  taskWorkers: number;
  maxConnections: number;
  reservedSlots: number;
  otherClients: number;
}

/**
 * "What if every pool were full?" The what-if is turned into the facts such a server would show,
 * then goes through the very same pipeline as a live diagnosis.
 */
export function buildWhatIfReport(w: WhatIf, settings: ReportSettings, at: Date): Report {
  const instances: AppInstance[] = Array.from({ length: w.instances }, (_, i) => ({
    id: `what-if-${i + 1}`,
    name: `#${i + 1}`,
    source: 'process',
    location: 'what-if',
    state: 'running',
    poolSize: { value: w.poolSize, origin: 'env' },
    workerNum: { value: w.workers, origin: 'env' },
    taskWorkerNum: { value: w.taskWorkers, origin: 'env' },
    processes: null,
    errors: [],
  }));
  // Only the other clients are connected now; the demand findings tell what full pools would do.
  const connections = Math.min(w.otherClients, Math.max(0, w.maxConnections - w.reservedSlots));
  const postgres: PostgresFacts = {
    serverVersion: 'what-if',
    serverVersionNum: 0,
    database: 'what-if',
    host: 'what-if',
    maxConnections: w.maxConnections,
    superuserReservedConnections: w.reservedSlots,
    reservedConnections: 0,
    clientConnections: connections,
    ownConnections: 0,
    databaseConnections: connections,
    backgroundProcesses: 0,
    appConnections: Math.max(0, connections - w.otherClients),
    states: { active: 0, idle: connections, idleInTransaction: 0, idleInTransactionAborted: 0, other: 0, hidden: 0 },
    statesVisible: true,
    byApplication: [],
    byUser: [],
    byClient: [],
    oldestIdleSeconds: null,
    oldestIdleInTransactionSeconds: null,
    idleSessions: [],
    idleMinutes: settings.thresholds.idleMinutes,
    ownPid: 0,
  };
  const facts: Facts = {
    observedAt: at.toISOString(),
    postgres: { ok: true, facts: postgres },
    instances: [{ source: 'what-if', ok: true, instances }],
  };
  const report = buildReport('math', facts, { ...settings, expectedInstances: w.instances, monitorRole: null });
  return { ...report, target: null };
}
