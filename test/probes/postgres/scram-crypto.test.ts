/**
 * pg's SCRAM helpers on node:crypto give WebCrypto's bytes (what pg computed before), and pg uses
 * them. Every test against a real PostgreSQL logs in with SCRAM-SHA-256 through them.
 */
import { randomBytes, webcrypto } from 'node:crypto';
// @ts-expect-error pg publishes its lib/ files without types
import pgCryptoUtils from 'pg/lib/crypto/utils.js';
import { describe, expect, it } from 'vitest';
import { NODE_SCRAM_HELPERS, scramUsesNodeCrypto } from '../../../src/probes/postgres/scram-crypto.js';

const subtle = webcrypto.subtle;
const hex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b instanceof Uint8Array ? b : new Uint8Array(b)).toString('hex');

describe("pg's SCRAM helpers on node:crypto", () => {
  it('are the ones pg calls', () => {
    expect(scramUsesNodeCrypto).toBe(true);
    const helpers = pgCryptoUtils as Record<string, unknown>;
    for (const [name, fn] of Object.entries(NODE_SCRAM_HELPERS)) expect(helpers[name], name).toBe(fn);
  });

  it('derive the salted password as WebCrypto does (PBKDF2-SHA-256, 32 bytes), a non-ASCII password too', async () => {
    for (const password of ['dbpool-test-secret', 'رمز-عبور', '']) {
      const salt = randomBytes(16);
      const key = await subtle.importKey('raw', new TextEncoder().encode(password), 'PBKDF2', false, ['deriveBits']);
      const web = await subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations: 4096 }, key, 256);
      expect(hex(await NODE_SCRAM_HELPERS.deriveKey(password, salt, 4096))).toBe(hex(web));
    }
  });

  it('sign and hash as WebCrypto does, from a Buffer or an ArrayBuffer', async () => {
    const keyBytes = randomBytes(32);
    const message = 'n=*,r=abc,r=abcdef,s=c2FsdA==,i=4096,c=biws,r=abcdef';
    const key = await subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    const web = await subtle.sign('HMAC', key, new TextEncoder().encode(message));
    const arrayBuffer = keyBytes.buffer.slice(keyBytes.byteOffset, keyBytes.byteOffset + keyBytes.length);
    expect(hex(await NODE_SCRAM_HELPERS.hmacSha256(keyBytes, message))).toBe(hex(web));
    expect(hex(await NODE_SCRAM_HELPERS.hmacSha256(arrayBuffer, message))).toBe(hex(web));
    expect(hex(await NODE_SCRAM_HELPERS.sha256(web))).toBe(hex(await subtle.digest('SHA-256', web)));
  });
});
