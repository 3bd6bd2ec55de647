import { describe, expect, it } from 'vitest';
import { prepareCommand, type CommandContext } from '../../src/commands/command-table.js';
import { loadConfig } from '../../src/config.js';
import { buildReport } from '../../src/core/report.js';
import { createFormatter } from '../../src/i18n/format.js';
import { catalogFor } from '../../src/i18n/index.js';
import { argumentText } from '../../src/render/help.js';
import { facts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { ArgumentError, parseCommandLine, tokenize } from '../../src/commands/parse-command-line.js';

const prepare = (text: string) => prepareCommand(parseCommandLine(tokenize(text)));

describe('command line', () => {
  it('tokenizes like a shell, with quotes', () => {
    expect(tokenize(` idle  "15" --lang 'fa' `)).toEqual(['idle', '15', '--lang', 'fa']);
  });

  it('an empty line means status', () => {
    expect(parseCommandLine([])).toEqual({ name: 'status', positionals: [], options: {} });
    expect(parseCommandLine(['--json']).name).toBe('status');
  });

  it('reads options as --key value, --key=value and switches', () => {
    expect(parseCommandLine(tokenize('math --workers 4 --pool=30 --json 2'))).toEqual({
      name: 'math',
      positionals: ['2'],
      options: { workers: '4', pool: '30', json: true },
    });
  });

  it('accepts every documented command', () => {
    for (const text of ['status', 'connections', 'instances', 'workers', 'config', 'idle', 'idle 15', 'idle --minutes 5', 'math --workers 4 --pool 30', 'lang fa', 'help']) {
      expect(() => prepare(text), text).not.toThrow();
    }
  });

  it.each([
    ['unknown command', 'restart-everything', 'unknown command restart-everything'],
    ['extra argument', 'status now', 'status takes no arguments'],
    ['unknown option', 'status --force', 'status: unknown option --force'],
    ['minutes not a number', 'idle ten', 'idle: the argument must be a number from 1 to 10080'],
    ['minutes out of range', 'idle 0', 'idle: the argument must be a number from 1 to 10080'],
    ['a negative number', 'idle -5', 'idle: the argument must be a number from 1 to 10080'],
    ['hex', 'idle 0x10', 'idle: the argument must be a number from 1 to 10080'],
    ['an exponent', 'idle 1e1', 'idle: the argument must be a number from 1 to 10080'],
    ['--minutes 0', 'terminate-idle --minutes 0', 'terminate-idle: --minutes must be a number from 1 to 10080'],
    ['a limit out of range', 'audit --limit 999999', 'audit: --limit must be a whole number from 1 to 500'],
    ['math without workers', 'math --pool 30', 'math: --workers is required'],
    ['math with a fraction', 'math --workers 2.5 --pool 30', 'math: --workers must be a whole number from 1 to 100000'],
    ['bad language', 'lang de', 'lang: the argument must be fa or en'],
    ['a value for a switch', 'stop-extra --yes=please', 'stop-extra: --yes takes no value'],
  ])('rejects %s, saying the range', (_label, text, message) => {
    expect(() => prepare(text)).toThrow(ArgumentError);
    expect(said(text, 'en')).toBe(`Wrong argument: ${message}`);
  });

  it('says it in the language of the user: Persian ranges in Persian digits', () => {
    expect(said('idle -5', 'fa')).toBe('آرگومان نادرست: idle: آرگومان باید عددی از ۱ تا ۱۰۰۸۰ باشد');
    expect(said('audit --limit 999999', 'fa')).toBe('آرگومان نادرست: audit: --limit باید عددی صحیح از ۱ تا ۵۰۰ باشد');
  });

  it('accepts Persian and Arabic-Indic digits, and decimal numbers only', async () => {
    const minutes = async (text: string) => {
      const report = await prepare(text).run(context());
      return report.kind === 'report' ? report.report.facts.postgres.ok && report.report.facts.postgres.facts.idleMinutes : null;
    };
    expect(await minutes('idle ۱۰')).toBe(10);
    expect(await minutes('idle ١٥')).toBe(15);
    expect(await minutes('idle ۲٫۵')).toBe(2.5);
    expect(await minutes('idle --minutes 12.5')).toBe(12.5);
    expect(() => prepare('math --workers ۴ --pool ۳۰')).not.toThrow();
  });
});

/** What the user reads for a refused line (identifiers plain, as in a terminal). */
function said(text: string, lang: 'en' | 'fa'): string {
  try {
    prepare(text);
    return 'accepted';
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    return argumentText(err.problems, catalogFor(lang), createFormatter(lang, { code: (s) => s }));
  }
}

/** A diagnoser that reports the idle threshold it was asked for. */
function context(): CommandContext {
  const config = loadConfig({});
  return {
    config,
    now: () => new Date(),
    remediation: null,
    requester: { kind: 'cli', id: 'test' },
    diagnoser: {
      diagnose: async (view, o) => buildReport(view, facts({ idleMinutes: o?.idleMinutes ?? 10 }), settings()),
      observeInstances: async () => [],
      latest: () => null,
    },
  };
}
