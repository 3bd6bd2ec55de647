import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { envSchema } from '../src/config.js';

const example = readFileSync(new URL('../.env.example', import.meta.url), 'utf8');
const documented = new Set([...example.matchAll(/^#?\s*([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));

describe('.env.example', () => {
  it('documents every variable of the config schema, and no other', () => {
    const schemaKeys = Object.keys(envSchema.shape).sort();
    expect([...documented].sort()).toEqual(schemaKeys);
  });

  it('its values are valid', async () => {
    const { loadConfig } = await import('../src/config.js');
    const env = Object.fromEntries([...example.matchAll(/^([A-Z][A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1], m[2]]));
    expect(() => loadConfig(env)).not.toThrow();
  });
});
