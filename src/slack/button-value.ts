import { z } from 'zod';
import type { Lang } from '../i18n/index.js';

/**
 * A report button's value: the command line to re-run and the language of the message, nothing else.
 * Slack sends it back as the user's client has it, so it is validated like any typed command.
 */
export interface ButtonValue {
  command: string;
  lang: Lang;
}

/** Far below Slack's 2,000: a report command line is short. */
export const MAX_BUTTON_COMMAND = 500;

const schema = z.object({ c: z.string().min(1).max(MAX_BUTTON_COMMAND), l: z.enum(['en', 'fa']) }).strict();

export function encodeButtonValue(v: ButtonValue): string {
  return JSON.stringify({ c: v.command, l: v.lang });
}

/** Null for anything dbpool did not write. */
export function decodeButtonValue(value: string | undefined): ButtonValue | null {
  if (value === undefined || value.length > 2000) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(value);
  } catch {
    return null;
  }
  const parsed = schema.safeParse(raw);
  return parsed.success ? { command: parsed.data.c, lang: parsed.data.l } : null;
}
