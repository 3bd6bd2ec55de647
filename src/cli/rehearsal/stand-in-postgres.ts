/**
 * Just enough of PostgreSQL's wire protocol (v3) for the rehearsal's monitoring connection: a
 * SCRAM-SHA-256 login as a real server asks it, then one row for every statement, whatever it
 * says, in text format, typed by its JavaScript value. Loopback only; lives for one build.
 */
import { createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type net from 'node:net';
import { closableServer } from './closable-server.js';

export interface StandInPostgres {
  port: number;
  close(): Promise<void>;
}

export const STAND_IN_PASSWORD = 'rehearsal';

const INT4 = 23;
const FLOAT8 = 701;
const TEXT = 25;
const JSON_OID = 114;

export async function startStandInPostgres(row: (port: number) => object): Promise<StandInPostgres> {
  const { server, close } = closableServer((socket) => serve(socket, () => row(port)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return { port, close };
}

/** One session: the start-up packet, the SASL exchange, then statements until Terminate. */
function serve(socket: net.Socket, row: () => object): void {
  let buffered = Buffer.alloc(0);
  let started = false;
  const scram = { clientFirstBare: '', serverFirst: '', nonce: '', salt: randomBytes(16) };
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    for (;;) {
      if (!started) {
        if (buffered.length < 4 || buffered.length < buffered.readInt32BE(0)) return;
        buffered = buffered.subarray(buffered.readInt32BE(0));
        started = true;
        socket.write(message('R', int32(10), Buffer.from('SCRAM-SHA-256\0\0')));
        continue;
      }
      if (buffered.length < 5 || buffered.length < 1 + buffered.readInt32BE(1)) return;
      const type = String.fromCharCode(buffered[0] ?? 0);
      const body = buffered.subarray(5, 1 + buffered.readInt32BE(1));
      buffered = buffered.subarray(1 + buffered.readInt32BE(1));
      switch (type) {
        case 'p':
          socket.write(scram.nonce === '' ? saslContinue(body, scram) : saslFinal(body, scram));
          break;
        case 'S': {
          const values = row();
          socket.write(Buffer.concat([message('1'), message('2'), rowDescription(values), dataRow(values), message('C', cstring('SELECT 1')), readyForQuery()]));
          break;
        }
        case 'X':
          socket.end();
          return;
        default:
          break; // Parse, Bind, Describe, Execute: answered together at Sync
      }
    }
  });
}

/** client-first "n,,n=*,r=<nonce>" (after the mechanism's name and a length) -> server-first. */
function saslContinue(body: Buffer, scram: { clientFirstBare: string; serverFirst: string; nonce: string; salt: Buffer }): Buffer {
  const afterName = body.indexOf(0) + 1;
  const clientFirst = body.subarray(afterName + 4).toString('utf8');
  scram.clientFirstBare = clientFirst.slice(clientFirst.indexOf('n=', 3));
  scram.nonce = `${/r=([^,]+)/.exec(clientFirst)?.[1] ?? ''}${randomBytes(18).toString('base64')}`;
  scram.serverFirst = `r=${scram.nonce},s=${scram.salt.toString('base64')},i=4096`;
  return message('R', int32(11), Buffer.from(scram.serverFirst));
}

/**
 * client-final "c=biws,r=<nonce>,p=<proof>" -> the server's signature, the login's end, and ready.
 * The client's proof is not checked: this server admits its one client.
 */
function saslFinal(body: Buffer, scram: { clientFirstBare: string; serverFirst: string; salt: Buffer }): Buffer {
  const clientFinal = body.toString('utf8');
  const withoutProof = clientFinal.slice(0, clientFinal.lastIndexOf(',p='));
  const salted = pbkdf2Sync(STAND_IN_PASSWORD, scram.salt, 4096, 32, 'sha256');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest();
  const signature = createHmac('sha256', serverKey).update(`${scram.clientFirstBare},${scram.serverFirst},${withoutProof}`).digest();
  return Buffer.concat([
    message('R', int32(12), Buffer.from(`v=${signature.toString('base64')}`)),
    message('R', int32(0)),
    message('S', cstring('server_version'), cstring('16.4')),
    message('S', cstring('client_encoding'), cstring('UTF8')),
    message('K', int32(999), int32(1)),
    readyForQuery(),
  ]);
}

function rowDescription(values: object): Buffer {
  const fields = Object.entries(values).map(([name, v]) => {
    const meta = Buffer.alloc(18);
    meta.writeInt32BE(0, 0); // table
    meta.writeInt16BE(0, 4); // column
    meta.writeInt32BE(typeOf(v), 6);
    meta.writeInt16BE(-1, 10); // size
    meta.writeInt32BE(-1, 12); // modifier
    meta.writeInt16BE(0, 16); // text format
    return Buffer.concat([cstring(name), meta]);
  });
  return message('T', int16(fields.length), ...fields);
}

function dataRow(values: object): Buffer {
  const columns = Object.values(values).map((v) => {
    if (v === null || v === undefined) return int32(-1);
    const text = Buffer.from(typeof v === 'object' ? JSON.stringify(v) : String(v));
    return Buffer.concat([int32(text.length), text]);
  });
  return message('D', int16(columns.length), ...columns);
}

function typeOf(v: unknown): number {
  if (typeof v === 'number') return Number.isInteger(v) ? INT4 : FLOAT8;
  return typeof v === 'object' && v !== null ? JSON_OID : TEXT;
}

const readyForQuery = () => message('Z', Buffer.from('I'));

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

function int16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeInt16BE(n, 0);
  return b;
}

const cstring = (s: string) => Buffer.from(`${s}\0`);
