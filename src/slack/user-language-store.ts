import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { Lang } from '../i18n/index.js';
import type { Logger } from '../logger.js';

/** Each Slack user's report language, kept in a small JSON file so it survives restarts. */
export interface UserLanguageStore {
  get(userId: string): Lang;
  set(userId: string, lang: Lang): Promise<void>;
}

export const USER_LANGUAGES_FILE = 'user-languages.json';

const fileSchema = z.record(z.string().min(1).max(64), z.enum(['en', 'fa']));

/**
 * Reads `<stateDir>/user-languages.json` once; every change rewrites it atomically (temp file + rename),
 * one write at a time, so a crash leaves the old file or the new one, never half of one.
 */
export async function openUserLanguageStore(stateDir: string, defaultLang: Lang, logger: Logger): Promise<UserLanguageStore> {
  const file = path.join(stateDir, USER_LANGUAGES_FILE);
  const languages = new Map<string, Lang>(Object.entries(await readLanguages(file, logger)));
  let writing: Promise<void> = Promise.resolve();

  async function write(): Promise<void> {
    await mkdir(stateDir, { recursive: true });
    const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temp, JSON.stringify(Object.fromEntries(languages), null, 2) + '\n', { mode: 0o600 });
    await rename(temp, file);
  }

  return {
    get: (userId) => languages.get(userId) ?? defaultLang,
    set(userId, lang) {
      languages.set(userId, lang);
      writing = writing.catch(() => {}).then(write);
      return writing;
    },
  };
}

async function readLanguages(file: string, logger: Logger): Promise<Record<string, Lang>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') logger.warn({ err, file }, 'cannot read user languages: defaults used');
    return {};
  }
  try {
    const parsed = fileSchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data;
    logger.warn({ file, issues: parsed.error.issues.length }, 'user languages file is malformed: defaults used');
  } catch {
    logger.warn({ file }, 'user languages file is not JSON: defaults used');
  }
  return {};
}
