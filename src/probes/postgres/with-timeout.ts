/** Raised by dbpool itself when the server does not answer in time (connect wait or hung socket). */
export class PostgresTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(
    /** What was waited for: connect, query, … */
    readonly step: string,
    readonly ms: number,
  ) {
    super(`${step}: no answer within ${ms} ms`);
    this.name = 'PostgresTimeoutError';
  }
}

/** Rejects with PostgresTimeoutError after ms; the promise itself runs on, its outcome ignored. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PostgresTimeoutError(what, ms)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
