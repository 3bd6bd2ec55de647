import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';

/** The first `max` lines, then the catalog's "… and N more" when some were left out. */
export function cutList(lines: string[], max: number, t: Catalog, f: Formatter): string[] {
  return lines.length > max ? [...lines.slice(0, max), t.label.andMore({ count: lines.length - max }, f)] : lines;
}
