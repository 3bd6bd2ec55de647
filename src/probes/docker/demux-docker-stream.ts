/**
 * Docker's multiplexed stream (logs and exec output of a container without a TTY): frames of an
 * 8-byte header [stream, 0, 0, 0, size (uint32 big-endian)] followed by `size` bytes, where stream
 * is 0 stdin, 1 stdout, 2 stderr. A container with a TTY sends raw bytes instead.
 */
export interface DemuxedOutput {
  stdout: Buffer;
  stderr: Buffer;
  /** False when the bytes were not framed (a TTY container): everything is in stdout. */
  multiplexed: boolean;
}

const HEADER = 8;

/** Splits a multiplexed buffer by stream; a buffer that is not validly framed is taken as raw TTY output. */
export function demuxDockerStream(buf: Buffer): DemuxedOutput {
  const frames = readFrames(buf);
  if (!frames) return { stdout: buf, stderr: Buffer.alloc(0), multiplexed: false };
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for (const f of frames) (f.stream === 2 ? err : out).push(f.payload);
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err), multiplexed: true };
}

function readFrames(buf: Buffer): { stream: number; payload: Buffer }[] | null {
  const frames: { stream: number; payload: Buffer }[] = [];
  let at = 0;
  while (at < buf.length) {
    if (buf.length - at < HEADER) return null;
    const stream = buf[at] ?? 255;
    if (stream > 2 || buf[at + 1] !== 0 || buf[at + 2] !== 0 || buf[at + 3] !== 0) return null;
    const size = buf.readUInt32BE(at + 4);
    if (at + HEADER + size > buf.length) return null;
    frames.push({ stream, payload: buf.subarray(at + HEADER, at + HEADER + size) });
    at += HEADER + size;
  }
  return frames;
}
