/**
 * pg's SCRAM-SHA-256 login computed with node:crypto's one-shot functions instead of WebCrypto.
 * The bytes are the same; what differs is the way there: pg's WebCrypto path is six thread-pool
 * jobs in a row (the key derivation, four HMACs and a hash), each of which waits for a free turn of
 * the event loop to be picked up, and a CLI run's event loop is busy reading the engine's answers
 * and /proc. The login took ~18 ms of `dbpool status` that way, ~12 ms now; the derivation
 * (4,096 rounds of PBKDF2, under 1 ms) runs on the main thread instead.
 *
 * pg looks its helpers up on this module object at each login (pg/lib/crypto/sasl.js), so replacing
 * them here serves every client of the process. Only helpers of the expected shape are replaced:
 * a pg whose helpers changed keeps its own.
 */
import { createHash, createHmac, pbkdf2Sync } from 'node:crypto';
// @ts-expect-error pg publishes its lib/ files (package.json "exports") without types
import pgCryptoUtils from 'pg/lib/crypto/utils.js';

type Bytes = Uint8Array | ArrayBuffer;

const bytes = (b: Bytes): Uint8Array => (b instanceof Uint8Array ? b : new Uint8Array(b));

export const NODE_SCRAM_HELPERS = {
  deriveKey: async (password: string, salt: Uint8Array, iterations: number): Promise<Buffer> => pbkdf2Sync(password, salt, iterations, 32, 'sha256'),
  hmacSha256: async (key: Bytes, message: string): Promise<Buffer> => createHmac('sha256', bytes(key)).update(message).digest(),
  sha256: async (data: Bytes): Promise<Buffer> => createHash('sha256').update(bytes(data)).digest(),
};

const helpers = pgCryptoUtils as Record<string, unknown>;
const expected = Object.entries(NODE_SCRAM_HELPERS).every(([name, fn]) => typeof helpers[name] === 'function' && (helpers[name] as () => unknown).length === fn.length);
if (expected) Object.assign(helpers, NODE_SCRAM_HELPERS);

/** Whether pg's login uses the helpers above (false: pg's own helpers had another shape). */
export const scramUsesNodeCrypto = expected;
