/**
 * Certificates for TLS tests, made with the openssl command: a CA, a server certificate for
 * 127.0.0.1 and a client certificate signed by it, valid for a day. Test-only keys.
 */
import { execFile } from 'node:child_process';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Writes ca.pem, server.pem, server-key.pem, client.pem, client-key.pem into `dir`, and the client
 * pair again as cert.pem and key.pem (the docker CLI's DOCKER_CERT_PATH names).
 */
export async function makeCertificates(dir: string, caName: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const at = (f: string) => path.join(dir, f);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${caName}`, '-keyout', at('ca-key.pem'), '-out', at('ca.pem')]);
  for (const [name, ext] of [
    ['server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth'],
    ['client', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', at(`${name}-key.pem`), '-out', at(`${name}.csr`)]);
    await writeFile(at(`${name}.ext`), ext);
    await run('openssl', ['x509', '-req', '-in', at(`${name}.csr`), '-CA', at('ca.pem'), '-CAkey', at('ca-key.pem'), '-CAcreateserial', '-days', '1', '-extfile', at(`${name}.ext`), '-out', at(`${name}.pem`)]);
  }
  // The client side's names, as DOCKER_CERT_PATH expects them.
  await copyFile(at('client.pem'), at('cert.pem'));
  await copyFile(at('client-key.pem'), at('key.pem'));
}

