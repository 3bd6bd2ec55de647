import type { ContainerReads } from './engine-reads.js';
import type { ProcessEntry } from '../classify-process-roles.js';
import { demuxDockerStream } from './demux-docker-stream.js';
import { entriesFromPs, entriesFromTop, type TopBody } from './parse-process-table.js';

export type ProcessListing = 'auto' | 'top' | 'exec';

export interface ListedProcesses {
  entries: ProcessEntry[];
  via: 'host-proc' | 'top' | 'exec';
  /** Why top was not used, when the exec fallback answered. */
  topError?: unknown;
}

/** Columns asked from the engine's ps; a host ps that rejects them falls back to `-ef`. */
const TOP_ARGS = '-o pid,ppid,args';

/**
 * A container's processes: the engine's `top` (it runs ps on the engine's host, nothing runs in the
 * container); when the engine refuses, `ps` executed inside the container (busybox or procps).
 */
export async function listContainerProcesses(
  container: ContainerReads,
  signal: AbortSignal,
  listing: ProcessListing = 'auto',
): Promise<ListedProcesses> {
  if (listing === 'exec') return { entries: await psViaExec(container, signal), via: 'exec' };
  try {
    return { entries: await psViaTop(container, signal), via: 'top' };
  } catch (err) {
    if (listing === 'top' || signal.aborted || !topRefused(err)) throw err;
    return { entries: await psViaExec(container, signal), via: 'exec', topError: err };
  }
}

async function psViaTop(container: ContainerReads, signal: AbortSignal): Promise<ProcessEntry[]> {
  try {
    return entriesFromTop((await container.top({ ps_args: TOP_ARGS, abortSignal: signal })) as TopBody);
  } catch (err) {
    if (signal.aborted || (err as { statusCode?: number }).statusCode !== 500) throw err;
    // An engine host whose ps does not know -o (busybox): its default columns still include PID and PPID.
    return entriesFromTop((await container.top({ ps_args: '-ef', abortSignal: signal })) as TopBody);
  }
}

/** Engine answers that mean "top cannot work here" rather than "the container is gone". */
function topRefused(err: unknown): boolean {
  const status = (err as { statusCode?: number }).statusCode;
  return status === 500 || status === 501 || status === 400 || (err instanceof Error && /PID column/.test(err.message));
}

async function psViaExec(container: ContainerReads, signal: AbortSignal): Promise<ProcessEntry[]> {
  const exec = await container.exec({ Cmd: ['ps', '-o', 'pid,ppid,args'], AttachStdout: true, AttachStderr: true, abortSignal: signal });
  // Not hijacked: a plain streamed HTTP answer, which also passes through proxies in front of the engine.
  const stream = await exec.start({ Detach: false, Tty: false, abortSignal: signal });
  const raw = await collect(stream, signal);
  const { stdout, stderr } = demuxDockerStream(raw);
  const { ExitCode } = await exec.inspect({ abortSignal: signal });
  if (ExitCode !== 0) {
    throw new Error(`ps in the container exited with ${ExitCode}: ${stderr.toString('utf8').trim().slice(0, 200) || 'no output'}`);
  }
  return entriesFromPs(stdout.toString('utf8'));
}

function collect(stream: NodeJS.ReadableStream, signal: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onAbort = () => {
      (stream as NodeJS.ReadableStream & { destroy?: () => void }).destroy?.();
      reject(new DOMException('aborted', 'AbortError'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    });
    stream.on('end', () => {
      signal.removeEventListener('abort', onAbort);
      resolve(Buffer.concat(chunks));
    });
  });
}
