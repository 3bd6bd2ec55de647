/** Frames a payload as the Docker engine multiplexes stdout (1) and stderr (2): an 8-byte header, then the bytes. */
export function frameDockerStream(stream: 1 | 2, payload: string | Buffer): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(body.length, 4);
  return Buffer.concat([header, body]);
}
