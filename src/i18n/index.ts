import type { Catalog, Lang } from './catalog.js';
import { en } from './en.js';
import { fa } from './fa.js';

export { LANGS, type Catalog, type Lang } from './catalog.js';

const CATALOGS: Record<Lang, Catalog> = { en, fa };

export function catalogFor(lang: Lang): Catalog {
  return CATALOGS[lang];
}

export function isLang(value: unknown): value is Lang {
  return value === 'en' || value === 'fa';
}
