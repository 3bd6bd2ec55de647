import { describe, expect, it } from 'vitest';
import { prepareCommand } from '../../src/commands/command-table.js';
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
    ['unknown command', 'restart-everything', /unknown command "restart-everything"/],
    ['extra argument', 'status now', /status: argument takes no arguments/],
    ['unknown option', 'status --force', /unknown option --force/],
    ['minutes not a number', 'idle ten', /idle: argument must be a number/],
    ['minutes out of range', 'idle 0', /idle: argument/],
    ['math without workers', 'math --pool 30', /math: --workers is required/],
    ['math with a fraction', 'math --workers 2.5 --pool 30', /--workers must be a whole number/],
    ['bad language', 'lang de', /must be fa or en/],
  ])('rejects %s with a clear message', (_label, text, message) => {
    expect(() => prepare(text)).toThrow(ArgumentError);
    expect(() => prepare(text)).toThrow(message);
  });
});
