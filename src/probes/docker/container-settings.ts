import type { Config } from '../../config.js';
import type { SettingValue } from '../../core/facts.js';
import { readPoolSetting } from '../read-pool-setting.js';

export interface PoolSettings {
  poolSize: SettingValue;
  workerNum: SettingValue;
  taskWorkerNum: SettingValue;
}

/**
 * The runbook's `docker exec <c> env | grep DB_POOL_SIZE`, without an exec: the container's
 * configured environment from inspect. `env` null means it could not be read (reason given).
 */
export function containerPoolSettings(env: string[] | null, app: Config['app'], unreadableReason?: string): PoolSettings {
  const vars = new Map<string, string>();
  for (const entry of env ?? []) {
    const eq = entry.indexOf('=');
    if (eq > 0) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  const reason = env === null ? (unreadableReason ?? 'container environment not readable') : undefined;
  const lookup = (name: string) => vars.get(name);
  const taskWorkers = readPoolSetting(lookup, app.taskWorkerNumVar, undefined, reason);
  return {
    poolSize: readPoolSetting(lookup, app.poolSizeVar, app.poolSizeFallback, reason),
    workerNum: readPoolSetting(lookup, app.workerNumVar, app.workerNumFallback, reason),
    // Task workers are optional: unset means none, not unknown (as for local processes).
    taskWorkerNum: taskWorkers.origin === 'unknown' && env !== null && !vars.has(app.taskWorkerNumVar) ? { value: 0, origin: 'env' } : taskWorkers,
  };
}
