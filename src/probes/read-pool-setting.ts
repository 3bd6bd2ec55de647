import type { SettingValue } from '../core/facts.js';

/**
 * A pool setting from an instance's environment. Missing or malformed values fall back to the
 * configured default, labelled as such, or stay unknown: never guessed silently.
 */
export function readPoolSetting(
  lookup: (name: string) => string | undefined,
  variable: string,
  fallback: number | undefined,
  unreadableReason?: string,
): SettingValue {
  const raw = unreadableReason === undefined ? lookup(variable) : undefined;
  if (raw !== undefined && /^\s*\d+\s*$/.test(raw) && Number(raw) > 0) return { value: Number(raw), origin: 'env' };
  if (fallback !== undefined) return { value: fallback, origin: 'fallback' };
  const reason =
    unreadableReason ?? (raw === undefined ? `${variable} is not set` : `${variable}=${JSON.stringify(raw)} is not a positive integer`);
  return { value: null, origin: 'unknown', reason };
}
