import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Logger } from '../logger.js';

const TO_PINO: Record<LogLevel, string> = {
  [LogLevel.DEBUG]: 'debug',
  [LogLevel.INFO]: 'info',
  [LogLevel.WARN]: 'warn',
  [LogLevel.ERROR]: 'error',
};

/** Lets pino serve Bolt (and its WebClient and Socket Mode client) as their `logger`. */
export function boltLogger(logger: Logger): BoltLogger {
  let current = logger.child({ component: 'bolt' });
  return {
    debug: (...msg: unknown[]) => current.debug(joined(msg)),
    info: (...msg: unknown[]) => current.info(joined(msg)),
    warn: (...msg: unknown[]) => current.warn(joined(msg)),
    error: (...msg: unknown[]) => current.error(joined(msg)),
    // Bolt and its clients call setLevel with their own default; dbpool's level (DBPOOL_LOG_LEVEL) wins.
    setLevel: () => {},
    getLevel: () => fromPino(current.level),
    setName: (name: string) => {
      current = logger.child({ component: name });
    },
  };
}

function joined(msg: unknown[]): string {
  return msg.map((m) => (typeof m === 'string' ? m : m instanceof Error ? m.message : JSON.stringify(m))).join(' ');
}

function fromPino(level: string): LogLevel {
  const found = (Object.entries(TO_PINO) as [LogLevel, string][]).find(([, p]) => p === level);
  if (found) return found[0];
  return level === 'trace' ? LogLevel.DEBUG : LogLevel.ERROR;
}
