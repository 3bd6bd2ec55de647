/**
 * A signal that aborts at a deadline, or with the caller's signal if that comes first, and that is
 * let go of as soon as the work is done: its timer cleared, its listener on the caller's signal
 * removed. AbortSignal.timeout and AbortSignal.any leave both to the garbage collector (a timer
 * pending until it fires, FinalizationRegistry entries until the signals are collected): a bot
 * piles them up between collections, and a startup snapshot refuses a heap whose registries still
 * have cleanup due.
 */
export interface DeadlineSignal {
  signal: AbortSignal;
  /** Clears the timer and the listener; the signal stays as it is (aborted or not). Not released, both end at the deadline. */
  release(): void;
}

export function deadlineSignal(ms: number, parent?: AbortSignal): DeadlineSignal {
  const controller = new AbortController();
  const onParentAbort = () => controller.abort(parent?.reason);
  // The reason AbortSignal.timeout gives, so that callers tell a deadline from a cancel the same way.
  // Past the deadline there is nothing left to hold: the listener goes too.
  const timer = setTimeout(() => {
    parent?.removeEventListener('abort', onParentAbort);
    controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
  }, ms);
  // As AbortSignal.timeout's: a deadline alone does not keep the process running.
  timer.unref();
  if (parent?.aborted) controller.abort(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    release() {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
}
