import { describe, expect, it } from 'vitest';
import type { Headline } from '../../src/core/headline.js';
import { catalogFor, LANGS } from '../../src/i18n/index.js';
import { createFormatter } from '../../src/i18n/format.js';
import { HEADLINE_MAX, headlineText } from '../../src/render/headline-text.js';

const full = (stop: string[]): Headline => ({
  cause: { code: 'server_full', connections: 37, usable: 37 },
  fix: { code: 'stop_extra', running: 1 + stop.length, expected: 1, stop },
  whatIf: false,
});

describe('headline text', () => {
  it.each(LANGS)('%s: leaves details out rather than cutting: the fix goes first, the cause stays', (lang) => {
    const t = catalogFor(lang);
    const f = createFormatter(lang);
    const budget = HEADLINE_MAX - t.verdict.CRIT.length - 3;
    expect(headlineText({ headline: full(['php_swoole_app']) }, t, f, budget)).toContain(t.headline.fix.stop_extra({ code: 'stop_extra', running: 2, expected: 1, stop: ['php_swoole_app'] }, f));
    const long = Array.from({ length: 6 }, (_, i) => `php_swoole_app_blue_green_${i}_${'x'.repeat(20)}`);
    const text = headlineText({ headline: full(long) }, t, f, budget);
    expect(text).toBe(t.headline.cause.server_full({ code: 'server_full', connections: 37, usable: 37 }, f));
    expect(text.length).toBeLessThanOrEqual(budget);
  });

  it('a long quote from the logs is left out before anything is cut', () => {
    const t = catalogFor('en');
    const headline: Headline = { cause: { code: 'pool_exhausted', quote: `All 5 connections are in use ${'y'.repeat(90)}`, count: 64, free: 75 }, fix: null, whatIf: false };
    expect(headlineText({ headline }, t, createFormatter('en'), 100)).toBe('app pool exhausted (64 times) while PostgreSQL has 75 free');
  });
});
