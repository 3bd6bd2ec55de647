import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalogFor } from '../src/i18n/index.js';
import { helpLines } from '../src/render/help.js';

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(['en', 'fa'] as const)('carries the %s command reference exactly as the CLI prints it', (lang) => {
    expect(readme).toContain(helpLines(catalogFor(lang), 'dbpool').join('\n'));
  });

  it('starts with the two commands a newcomer runs', () => {
    const firstBlock = /```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(firstBlock).toContain('npm run demo');
    expect(firstBlock).toContain('npm test');
  });
});
