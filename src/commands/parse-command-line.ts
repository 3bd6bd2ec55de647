/** A command line as both the CLI (argv) and Slack (`/dbpool` text) give it. */
export interface ParsedCommandLine {
  name: string;
  positionals: string[];
  options: Record<string, string | true>;
}

/**
 * What is wrong with a command line, as a code with its parameters: the catalogs say each in the
 * user's language (a range is stated, not "must be a number").
 */
export type ArgumentProblem =
  | { code: 'unknown_command'; command: string }
  | { code: 'unknown_option'; command: string; options: string[] }
  | { code: 'required'; command: string; subject: string }
  /** Not a decimal number inside the range (digits may be Persian or Arabic-Indic). */
  | { code: 'range'; command: string; subject: string; min: number; max: number; whole: boolean }
  | { code: 'one_of'; command: string; subject: string; allowed: string[] }
  | { code: 'too_many_arguments'; command: string; max: number }
  | { code: 'needs_value'; command: string; subject: string }
  | { code: 'takes_no_value'; command: string; subject: string }
  | { code: 'invalid'; command: string; subject: string }
  | { code: 'lone_dashes' }
  /** `check -w/-c`: the warning line must stay below the critical one. */
  | { code: 'warn_below_crit'; command: string }
  | { code: 'no_database' }
  | { code: 'no_history' }
  /** `lang` in the CLI: the language comes from --lang or DBPOOL_LANG there. */
  | { code: 'lang_is_slack_only' };

export class ArgumentError extends Error {
  constructor(readonly problems: ArgumentProblem[]) {
    // English for the logs only; users read the catalog's sentences.
    super(problems.map((p) => JSON.stringify(p)).join('; '));
    this.name = 'ArgumentError';
  }
}

/** Splits Slack's free text like a shell would: spaces separate, quotes group. */
export function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) tokens.push(m[1] ?? m[2] ?? m[3] ?? '');
  return tokens;
}

/** Options that never take a value, so `--json 15` keeps 15 as a positional. */
const SWITCHES = new Set(['json', 'yes', 'dry-run', 'help']);

/** A one-letter option as monitoring plugins take them (`check -w 80% -c 90%`); `-5` stays an argument. */
const SHORT_OPTION = /^-([A-Za-z])$/;

/** `name pos --flag value --switch --key=value -x value`; an empty line means `status`. */
export function parseCommandLine(tokens: string[]): ParsedCommandLine {
  const [first, ...rest] = tokens;
  const name = (first ?? 'status').toLowerCase();
  if (name.startsWith('-')) return parseCommandLine(['status', ...tokens]);
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] ?? '';
    const short = SHORT_OPTION.exec(token)?.[1];
    if (short) {
      const next = rest[i + 1];
      options[short] = next !== undefined && !next.startsWith('-') ? (rest[++i] ?? '') : true;
      continue;
    }
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const body = token.slice(2);
    if (body === '') throw new ArgumentError([{ code: 'lone_dashes' }]);
    const eq = body.indexOf('=');
    if (eq >= 0) {
      options[body.slice(0, eq)] = body.slice(eq + 1);
    } else if (!SWITCHES.has(body) && i + 1 < rest.length && !(rest[i + 1] ?? '').startsWith('--')) {
      options[body] = rest[++i] ?? '';
    } else {
      options[body] = true;
    }
  }
  return { name, positionals, options };
}

/** Persian (۰-۹) and Arabic-Indic (٠-٩) digits and the Arabic decimal separator, as ASCII. */
export function asciiDigits(s: string): string {
  return s.replace(/[\u06F0-\u06F9]/g, (d) => String(d.charCodeAt(0) - 0x06f0)).replace(/[\u0660-\u0669]/g, (d) => String(d.charCodeAt(0) - 0x0660)).replace(/\u066B/g, '.');
}

/** A decimal number as a person types it: digits in any of the three scripts, an optional fraction; no sign, exponent or hex. */
export function parseDecimal(raw: string, whole: boolean): number | null {
  const s = asciiDigits(raw.trim());
  if (!(whole ? /^\d+$/ : /^\d+(\.\d+)?$/).test(s)) return null;
  const n = Number(s);
  return Number.isFinite(n) ? n : null;
}
