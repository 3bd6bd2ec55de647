import { deadlineSignal } from '../../deadline-signal.js';

/** Runs `work` with a signal that aborts at the deadline or with the caller's signal, whichever comes first. */
export async function withDeadline<T>(
  ms: number,
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const deadline = deadlineSignal(ms, parent);
  const { signal } = deadline;
  if (signal.aborted) {
    deadline.release();
    signal.throwIfAborted();
  }
  // dockerode stops the request on abort, but not every call honours it (an exec's output stream):
  // the race guarantees the caller gets control back at the deadline.
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new DOMException('aborted', 'AbortError'));
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(signal), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    deadline.release();
  }
}
