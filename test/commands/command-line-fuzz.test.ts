import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareCommand } from '../../src/commands/command-table.js';
import { ArgumentError, parseCommandLine, tokenize } from '../../src/commands/parse-command-line.js';
import { ConfigError, envSchema, loadConfig } from '../../src/config.js';

const words = fc.constantFrom('status', 'idle', 'math', 'lang', 'help', 'audit', 'stop-extra', 'terminate-idle', '--workers', '--pool', '--minutes', '--lang', 'fa', 'en', '--yes', '--json', '=', '"', "'", '-1', '0', '1e9', 'NaN', '۱۵', '\u202e', '');
const text = fc.oneof(fc.string({ maxLength: 200 }), fc.array(words, { maxLength: 12 }).map((w) => w.join(' ')));

describe('any slash-command text', () => {
  it('gives a prepared command or a clear ArgumentError, never anything else', () => {
    fc.assert(
      fc.property(text, (input) => {
        try {
          const prepared = prepareCommand(parseCommandLine(tokenize(input)));
          expect(typeof prepared.run).toBe('function');
        } catch (err) {
          expect(err).toBeInstanceOf(ArgumentError);
          expect((err as Error).message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('any configuration value', () => {
  const keys = Object.keys(envSchema.shape);
  it('gives a Config or a ConfigError naming a real variable', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...keys), fc.string({ maxLength: 40 }), { maxKeys: 6 }), (env) => {
        try {
          loadConfig(env);
        } catch (err) {
          expect(err).toBeInstanceOf(ConfigError);
          for (const p of (err as ConfigError).problems) expect(keys).toContain(p.variable);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
