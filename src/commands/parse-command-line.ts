/** A command line as both the CLI (argv) and Slack (`/dbpool` text) give it. */
export interface ParsedCommandLine {
  name: string;
  positionals: string[];
  options: Record<string, string | true>;
}

export class ArgumentError extends Error {
  constructor(message: string) {
    super(message);
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

/** `name pos --flag value --switch --key=value`; an empty line means `status`. */
export function parseCommandLine(tokens: string[]): ParsedCommandLine {
  const [first, ...rest] = tokens;
  const name = (first ?? 'status').toLowerCase();
  if (name.startsWith('-')) return parseCommandLine(['status', ...tokens]);
  const positionals: string[] = [];
  const options: Record<string, string | true> = {};
  for (let i = 0; i < rest.length; i++) {
    const token = rest[i] ?? '';
    if (!token.startsWith('--')) {
      positionals.push(token);
      continue;
    }
    const body = token.slice(2);
    if (body === '') throw new ArgumentError('a lone "--" is not an option');
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
