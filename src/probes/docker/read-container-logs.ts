import type { ContainerReads } from './engine-reads.js';
import type { LogStats } from '../../core/facts.js';
import { countLogPatterns, splitLines, type LogPatterns } from './count-log-patterns.js';
import { demuxDockerStream } from './demux-docker-stream.js';

export interface LogWindow {
  /** Last lines asked of the engine: the log is never read whole. */
  tailLines: number;
  sinceMinutes: number;
  /** A later start than sinceMinutes gives, to the millisecond (the check after an action). */
  since?: Date;
}

/**
 * The runbook's `docker logs <c> 2>&1 | grep "Worker.*starting"`, on the tail only: the engine
 * sends the last `tailLines` lines of the last `sinceMinutes`, both streams, with timestamps.
 */
export async function readContainerLogStats(
  container: ContainerReads,
  window: LogWindow,
  patterns: LogPatterns,
  signal: AbortSignal,
  now: Date = new Date(),
): Promise<LogStats> {
  const sinceMs = Math.max(now.getTime() - window.sinceMinutes * 60_000, window.since?.getTime() ?? -Infinity);
  // The engine takes whole seconds; countLogPatterns drops what is left of the second before sinceMs.
  const sinceSeconds = Math.floor(sinceMs / 1000);
  const raw = await container.logs({
    stdout: true,
    stderr: true,
    timestamps: true,
    tail: window.tailLines,
    since: sinceSeconds,
    follow: false,
    abortSignal: signal,
  });
  const { stdout, stderr } = demuxDockerStream(Buffer.isBuffer(raw) ? raw : Buffer.from(String(raw)));
  return countLogPatterns(
    (function* () {
      yield* splitLines(stdout);
      yield* splitLines(stderr);
    })(),
    patterns,
    new Date(sinceMs).toISOString(),
  );
}
