import type { Config } from '../config.js';
import type { SettingValue } from '../core/facts.js';

/**
 * A pool setting from an instance's environment. Missing or malformed values fall back to the
 * configured default, labelled as such, or stay unknown: never guessed silently.
 */
export function readPoolSetting(
  lookup: (name: string) => string | undefined,
  variable: string,
  fallback: number | undefined,
  unreadableReason?: string,
): SettingValue {
  const raw = unreadableReason === undefined ? lookup(variable) : undefined;
  if (raw !== undefined && /^\s*\d+\s*$/.test(raw) && Number(raw) > 0) return { value: Number(raw), origin: 'env' };
  if (fallback !== undefined) return { value: fallback, origin: 'fallback' };
  const reason =
    unreadableReason ?? (raw === undefined ? `${variable} is not set` : `${variable}=${JSON.stringify(raw)} is not a positive integer`);
  return { value: null, origin: 'unknown', reason };
}

export interface PoolSettings {
  poolSize: SettingValue;
  workerNum: SettingValue;
  taskWorkerNum: SettingValue;
}

/**
 * The three settings of one instance, the same way for containers and local processes. `env` null
 * means the environment could not be read (`unreadableReason` says why). Task workers are optional:
 * an unset variable means none; a malformed one stays unknown.
 */
export function readPoolSettings(
  env: ReadonlyMap<string, string> | null,
  app: Pick<Config['app'], 'poolSizeVar' | 'workerNumVar' | 'taskWorkerNumVar' | 'poolSizeFallback' | 'workerNumFallback'>,
  unreadableReason = 'environment not readable',
): PoolSettings {
  const reason = env === null ? unreadableReason : undefined;
  const lookup = (name: string) => env?.get(name);
  const taskWorkers = readPoolSetting(lookup, app.taskWorkerNumVar, undefined, reason);
  return {
    poolSize: readPoolSetting(lookup, app.poolSizeVar, app.poolSizeFallback, reason),
    workerNum: readPoolSetting(lookup, app.workerNumVar, app.workerNumFallback, reason),
    taskWorkerNum: env !== null && !env.has(app.taskWorkerNumVar) ? { value: 0, origin: 'env' } : taskWorkers,
  };
}
