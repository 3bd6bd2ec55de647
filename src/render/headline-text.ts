import type { Report } from '../core/report.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';

/**
 * Title and headline together, within Slack's 150-character header with its emoji and the
 * right-to-left mark: the headline is shortened by leaving out details, never cut.
 */
export const HEADLINE_MAX = 132;

/** The core's headline in words: the cause and the fix, then the cause alone, then without the quote, until it fits. */
export function headlineText(report: Pick<Report, 'headline'>, t: Catalog, f: Formatter, budget: number): string {
  const { cause, fix } = report.headline;
  const causeText = (t.headline.cause[cause.code] as (p: typeof cause, f: Formatter) => string)(cause, f);
  const fixText = fix ? (t.headline.fix[fix.code] as (p: typeof fix, f: Formatter) => string)(fix, f) : null;
  // The stop fix already says how many run and how many are expected: it replaces that cause.
  const whole = fixText === null ? causeText : cause.code === 'extra_instances' && (fix?.code === 'stop_extra' || fix?.code === 'scale_down') ? fixText : t.headline.join(causeText, fixText);
  const shorter = cause.code === 'pool_exhausted' && cause.quote !== null ? [causeText, t.headline.cause.pool_exhausted({ ...cause, quote: null }, f)] : [causeText];
  return [whole, ...shorter].find((s) => s.length <= budget) ?? shorter[shorter.length - 1] ?? causeText;
}
