/** Work started by Slack requests, so that a shutdown lets it finish (up to a bound) before exiting. */
export class InFlight {
  private readonly running = new Set<Promise<unknown>>();

  track<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    void work.catch(() => {}).finally(() => this.running.delete(work));
    return work;
  }

  /** Resolves when everything tracked has settled, or after `boundMs`. */
  async settled(boundMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, boundMs)));
    await Promise.race([Promise.allSettled([...this.running]), bound]);
    clearTimeout(timer);
  }
}

/** At most `max` tasks at once; the others wait in arrival order. */
export function limitConcurrency(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
