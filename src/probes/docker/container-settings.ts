import type { Config } from '../../config.js';
import { readPoolSettings, type PoolSettings } from '../read-pool-setting.js';

export type { PoolSettings } from '../read-pool-setting.js';

/**
 * The runbook's `docker exec <c> env | grep DB_POOL_SIZE`, without an exec: the container's
 * configured environment from inspect. `env` null means it could not be read (reason given).
 */
export function containerPoolSettings(env: string[] | null, app: Config['app'], unreadableReason?: string): PoolSettings {
  if (env === null) return readPoolSettings(null, app, unreadableReason ?? 'container environment not readable');
  const vars = new Map<string, string>();
  for (const entry of env) {
    const eq = entry.indexOf('=');
    if (eq > 0) vars.set(entry.slice(0, eq), entry.slice(eq + 1));
  }
  return readPoolSettings(vars, app);
}
