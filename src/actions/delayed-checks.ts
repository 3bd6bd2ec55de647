/**
 * Checks that run after a delay (the check after an action), tracked so that a shutdown can let the
 * running ones finish and record the others as skipped instead of losing them.
 */
export class DelayedChecks<T> {
  private readonly pending = new Map<string, { timer: NodeJS.Timeout | null; running: Promise<void> | null; finish: (result: T | null) => void }>();

  /**
   * After `delayMs`, runs `run` (which must not reject); `settle` turns its result, or null when the
   * check was skipped, into what the returned promise resolves with. Settled exactly once.
   */
  schedule(key: string, delayMs: number, run: () => Promise<T>, settle: (result: T | null) => T): Promise<T> {
    return new Promise<T>((resolve) => {
      let settled = false;
      const entry = {
        timer: null as NodeJS.Timeout | null,
        running: null as Promise<void> | null,
        finish: (result: T | null) => {
          if (settled) return;
          settled = true;
          if (entry.timer) clearTimeout(entry.timer);
          this.pending.delete(key);
          resolve(settle(result));
        },
      };
      entry.timer = setTimeout(() => {
        entry.timer = null;
        entry.running = run().then(entry.finish);
      }, delayMs);
      this.pending.set(key, entry);
    });
  }

  /** Checks still waiting for their delay are skipped; returns the ones running now. */
  skipWaiting(): Promise<void>[] {
    for (const entry of [...this.pending.values()]) if (!entry.running) entry.finish(null);
    return [...this.pending.values()].flatMap((e) => (e.running ? [e.running] : []));
  }

  /** Everything not settled yet is skipped (the bound of a shutdown has passed). */
  skipAll(): void {
    for (const entry of [...this.pending.values()]) entry.finish(null);
  }
}
