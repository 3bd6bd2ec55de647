import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.js';
import { openUserLanguageStore, USER_LANGUAGES_FILE } from '../../src/slack/user-language-store.js';

describe('user language store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'dbpool-lang-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('defaults to the configured language and remembers a choice across reopening', async () => {
    const store = await openUserLanguageStore(path.join(dir, 'state'), 'en', silentLogger());
    expect(store.get('U1')).toBe('en');
    await Promise.all([store.set('U1', 'fa'), store.set('U2', 'fa'), store.set('U2', 'en')]);
    const again = await openUserLanguageStore(path.join(dir, 'state'), 'en', silentLogger());
    expect(again.get('U1')).toBe('fa');
    expect(again.get('U2')).toBe('en');
    // Atomic writes leave no temp file behind.
    expect(await readdir(path.join(dir, 'state'))).toEqual([USER_LANGUAGES_FILE]);
    expect(JSON.parse(await readFile(path.join(dir, 'state', USER_LANGUAGES_FILE), 'utf8'))).toEqual({ U1: 'fa', U2: 'en' });
  });

  it('a corrupt or malformed file falls back to the default instead of failing', async () => {
    await writeFile(path.join(dir, USER_LANGUAGES_FILE), '{ not json');
    expect((await openUserLanguageStore(dir, 'fa', silentLogger())).get('U1')).toBe('fa');
    await writeFile(path.join(dir, USER_LANGUAGES_FILE), JSON.stringify({ U1: 'de' }));
    expect((await openUserLanguageStore(dir, 'en', silentLogger())).get('U1')).toBe('en');
  });
});
