/**
 * The Dockerfile and its prune step without building (the image test, test/deploy/docker-image.test.ts,
 * is opt-in): the base pinned by digest, a health check that is quick while starting, `dbpool` on the
 * PATH; and deploy/prune-image-modules.mjs run on an app directory of its own.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dockerfile = readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');

describe('Dockerfile', () => {
  it('pins node:24-bookworm-slim by digest, once, for both stages', () => {
    expect(dockerfile).toMatch(/^ARG BASE_IMAGE=node:24-bookworm-slim@sha256:[0-9a-f]{64}$/m);
    expect([...dockerfile.matchAll(/^FROM (\S+)/gm)].map((m) => m[1])).toEqual(['${BASE_IMAGE}', '${BASE_IMAGE}']);
  });

  it('checks health every few seconds while starting, and puts dbpool on the PATH', () => {
    expect(dockerfile).toMatch(/^HEALTHCHECK .*--start-interval=2s/m);
    expect(dockerfile).toContain('ln -s /app/dist/cli/dbpool /usr/local/bin/dbpool');
    expect(dockerfile).toContain('node /tmp/prune-image-modules.mjs /app');
  });
});

describe('deploy/prune-image-modules.mjs', () => {
  let dir: string | undefined;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('removes dockerode\'s ssh and BuildKit transports and what only they use, keeps what runs and one Vazirmatn file', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-prune-'));
    const pkg = (deps: Record<string, string> = {}, optional: Record<string, string> = {}) => ({ version: '1.0.0', dependencies: deps, optionalDependencies: optional });
    const packages: Record<string, unknown> = {
      '': { name: 'app', dependencies: { dockerode: '1', vazirmatn: '1' }, optionalDependencies: { 'better-sqlite3': '1' } },
      'node_modules/dockerode': pkg({ 'docker-modem': '1', '@grpc/grpc-js': '1', protobufjs: '1' }),
      'node_modules/docker-modem': pkg({ ssh2: '1', debug: '1' }),
      'node_modules/debug': pkg(),
      'node_modules/ssh2': pkg({ asn1: '1' }, { 'cpu-features': '1' }),
      'node_modules/asn1': pkg(),
      'node_modules/cpu-features': pkg(),
      'node_modules/@grpc/grpc-js': pkg({ long: '1' }),
      'node_modules/long': pkg(),
      'node_modules/protobufjs': pkg({ long: '1' }),
      'node_modules/better-sqlite3': pkg(),
      'node_modules/vazirmatn': pkg(),
    };
    for (const key of Object.keys(packages).filter(Boolean)) {
      await mkdir(path.join(dir, key), { recursive: true });
      await writeFile(path.join(dir, key, 'package.json'), '{}');
    }
    const font = path.join(dir, 'node_modules/vazirmatn');
    for (const f of ['OFL.txt', 'fonts/ttf/Vazirmatn-Regular.ttf', 'fonts/ttf/Vazirmatn-Bold.ttf', 'fonts/webfonts/Vazirmatn-Regular.woff2', 'Vazirmatn-font-face.css']) {
      await mkdir(path.dirname(path.join(font, f)), { recursive: true });
      await writeFile(path.join(font, f), 'x');
    }
    await writeFile(path.join(dir, 'package-lock.json'), JSON.stringify({ lockfileVersion: 3, packages }));

    const out = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, [path.join(ROOT, 'deploy/prune-image-modules.mjs'), dir!], (err, stdout) => (err ? reject(err) : resolve(stdout))),
    );
    expect(out).toContain('7 packages dbpool never loads removed');
    const present = (p: string) => existsSync(path.join(dir!, p));
    expect(['dockerode', 'docker-modem', 'debug', 'vazirmatn/package.json', 'vazirmatn/OFL.txt', 'vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf'].filter((p) => !present(`node_modules/${p}`))).toEqual([]);
    expect(['ssh2', 'asn1', 'cpu-features', '@grpc', 'long', 'protobufjs', 'better-sqlite3', 'vazirmatn/fonts/ttf/Vazirmatn-Bold.ttf', 'vazirmatn/fonts/webfonts', 'vazirmatn/Vazirmatn-font-face.css'].filter((p) => present(`node_modules/${p}`))).toEqual([]);
  });
});
