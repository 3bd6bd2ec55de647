import { pino, type Logger, type LoggerOptions } from 'pino';
import { isInteractiveTerminal, type Config } from './config.js';

export type { Logger } from 'pino';

/** Keys that may carry secrets anywhere in a log object: pino replaces their values. */
const REDACT_PATHS = [
  'password',
  'token',
  'botToken',
  'appToken',
  'signingSecret',
  'connectionString',
  'authorization',
  '*.password',
  '*.token',
  '*.botToken',
  '*.appToken',
  '*.signingSecret',
  '*.connectionString',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
];

/**
 * JSON logs to stdout (stderr for the CLI, so reports stay clean); pretty only in a terminal. The bot
 * formats in pino's worker thread; a short CLI run formats inline (`prettyInline`, loaded by the
 * caller), since starting a thread costs it more than the few lines it writes, and writes its JSON
 * synchronously (`sync`): nothing waits for an exit hook to be flushed.
 */
export function createLogger(
  config: Pick<Config, 'logLevel'>,
  options: {
    destination?: 1 | 2;
    pretty?: boolean;
    prettyInline?: (o: { destination: 1 | 2; sync: boolean; colorize: boolean; translateTime: string }) => NodeJS.WritableStream;
    sync?: boolean;
  } = {},
): Logger {
  const destination = options.destination ?? 1;
  const pretty = options.pretty ?? isInteractiveTerminal();
  const base: LoggerOptions = {
    name: 'dbpool',
    level: config.logLevel,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  };
  if (pretty && options.prettyInline) {
    return pino(base, options.prettyInline({ destination, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss' }));
  }
  if (pretty) {
    return pino({
      ...base,
      transport: { target: 'pino-pretty', options: { destination, colorize: true, translateTime: 'SYS:HH:MM:ss' } },
    });
  }
  return pino(base, pino.destination({ fd: destination, sync: options.sync ?? false }));
}

/** A logger that drops everything: for tests and library use. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
