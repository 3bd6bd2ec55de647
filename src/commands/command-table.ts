import { z } from 'zod';
import type { AuditEntry } from '../actions/audit-log.js';
import type { Actor, RemediationPlan } from '../actions/remediation-plan.js';
import type { RemediationService, RequestResult } from '../actions/remediation-service.js';
import type { Config } from '../config.js';
import type { DailySummary } from '../schedule/daily-summary.js';
import { buildSummary, type SummaryDeps } from '../schedule/summary-job.js';
import type { Report } from '../core/report.js';
import { buildWhatIfReport } from '../core/what-if.js';
import { diagnose, reportSettings } from '../diagnosis/diagnose.js';
import type { FactSources } from '../diagnosis/collect-facts.js';
import type { HelpCommand, Lang } from '../i18n/catalog.js';
import { ArgumentError, type ParsedCommandLine } from './parse-command-line.js';

/** What a command step needs; built once by the composition root (src/services.ts). */
export interface CommandContext {
  config: Config;
  /** Null when no database is configured: only `math`, `help` and `lang` work then. */
  sources: FactSources | null;
  now: () => Date;
  /** Null when remediation cannot be set up (no database, no state store). */
  remediation: RemediationService | null;
  /** Who runs this command: the Slack user, or the CLI's local user. */
  requester: Actor;
  /** The history behind `summary`; null without a state store. */
  summary?: SummaryDeps | null;
}

export type CommandResult =
  | { kind: 'report'; report: Report }
  | { kind: 'help' }
  | { kind: 'lang'; lang: Lang }
  | { kind: 'plan'; plan: RemediationPlan; report: Report }
  | { kind: 'refused'; reason: Extract<RequestResult, { ok: false }>['reason'] }
  | { kind: 'audit'; entries: AuditEntry[] }
  | { kind: 'summary'; summary: DailySummary };

export type CommandName = HelpCommand;

interface CommandSpec<A> {
  name: CommandName;
  /** Validates positionals and options; unknown options are errors. */
  args: z.ZodType<A>;
  run(ctx: CommandContext, args: A): Promise<CommandResult>;
}

const count = (min: number, max: number) => z.coerce.number({ error: 'must be a number' }).int('must be a whole number').min(min).max(max);
/** Minutes may be fractional (0.5 = 30 s): handy in drills and tests. */
const minutes = z.coerce.number({ error: 'must be a number' }).min(0.01).max(60 * 24 * 7);
const noArgs = z.object({ positionals: z.array(z.string()).max(0, 'takes no arguments'), options: z.object({}).strict() });

function needSources(ctx: CommandContext): FactSources {
  if (!ctx.sources) throw new ArgumentError('no database configured: set DATABASE_URL (or the PG* variables)');
  return ctx.sources;
}

const reportCommand = (name: Exclude<Report['view'], 'idle' | 'math'> & CommandName): CommandSpec<unknown> => ({
  name,
  args: noArgs,
  run: async (ctx) => ({ kind: 'report', report: await diagnose(needSources(ctx), ctx.config, name) }),
});

const idleArgs = z
  .object({
    positionals: z.array(minutes).max(1, 'takes at most one number of minutes'),
    options: z.object({ minutes: minutes.optional() }).strict(),
  })
  .transform((a) => ({ minutes: a.options.minutes ?? a.positionals[0] }));

const mathArgs = z
  .object({
    positionals: z.array(z.string()).max(0, 'takes options only, e.g. --workers 4 --pool 30'),
    options: z
      .object({
        workers: count(1, 100_000),
        pool: count(1, 100_000),
        instances: count(1, 10_000).default(1),
        'max-connections': count(1, 262_143).default(100),
        reserved: count(0, 262_143).default(3),
        'task-workers': count(0, 100_000).default(0),
        other: count(0, 262_143).default(0),
      })
      .strict(),
  })
  .transform(({ options: o }) => ({
    workers: o.workers,
    poolSize: o.pool,
    instances: o.instances,
    maxConnections: o['max-connections'],
    reservedSlots: o.reserved,
    taskWorkers: o['task-workers'],
    otherClients: o.other,
  }));

const planArgs = z
  .object({
    positionals: z.array(z.string()).max(0, 'takes options only'),
    options: z
      .object({ minutes: minutes.optional(), yes: z.literal(true).optional(), 'dry-run': z.literal(true).optional() })
      .strict(),
  })
  .transform((a) => ({ minutes: a.options.minutes }));

const auditArgs = z
  .object({ positionals: z.array(z.string()).max(0, 'takes options only'), options: z.object({ limit: count(1, 500).default(20) }).strict() })
  .transform((a) => ({ limit: a.options.limit }));

/** Without a state store nothing can be planned or audited: a refusal, not a wrong argument. */
const STATE_UNAVAILABLE = { kind: 'refused', reason: 'state_unavailable' } as const;

/** Diagnoses, then stores a plan for exactly what the report shows; running it needs an approval. */
const planCommand = (name: 'terminate-idle' | 'stop-extra'): CommandSpec<z.infer<typeof planArgs>> => ({
  name,
  args: planArgs,
  run: async (ctx, a) => {
    const sources = needSources(ctx);
    const remediation = ctx.remediation;
    if (!remediation) return STATE_UNAVAILABLE;
    const report = await diagnose(sources, ctx.config, name === 'terminate-idle' ? 'idle' : 'instances', { idleMinutes: a.minutes });
    const result = remediation.request(name === 'terminate-idle' ? 'terminate_idle' : 'stop_extra', report, ctx.requester);
    return result.ok ? { kind: 'plan', plan: result.plan, report } : { kind: 'refused', reason: result.reason };
  },
});

/** Issue #13: the id printed after a scale-down (and in the audit); the Undo must still be pending. */
const undoArgs = z
  .object({
    positionals: z.tuple([z.string().regex(/^[A-Za-z0-9_-]{22}$/, 'must be the undo id dbpool printed after the action (see dbpool audit)')]),
    options: z.object({ yes: z.literal(true).optional(), 'dry-run': z.literal(true).optional() }).strict(),
  })
  .transform((a) => ({ id: a.positionals[0] }));

const langArgs = z
  .object({ positionals: z.tuple([z.enum(['fa', 'en'], { error: 'must be fa or en' })]), options: z.object({}).strict() })
  .transform((a) => a.positionals[0]);

const COMMANDS: CommandSpec<never>[] = [
  reportCommand('status'),
  reportCommand('connections'),
  reportCommand('instances'),
  reportCommand('workers'),
  reportCommand('config'),
  {
    name: 'idle',
    args: idleArgs,
    run: async (ctx, a: z.infer<typeof idleArgs>) => ({
      kind: 'report',
      report: await diagnose(needSources(ctx), ctx.config, 'idle', { idleMinutes: a.minutes }),
    }),
  },
  {
    name: 'math',
    args: mathArgs,
    run: async (ctx, w: z.infer<typeof mathArgs>) => ({
      kind: 'report',
      report: buildWhatIfReport(w, reportSettings(ctx.config), ctx.now()),
    }),
  },
  planCommand('terminate-idle'),
  planCommand('stop-extra'),
  {
    name: 'undo',
    args: undoArgs,
    run: async (ctx, a: z.infer<typeof undoArgs>) => {
      const sources = needSources(ctx);
      if (!ctx.remediation) return STATE_UNAVAILABLE;
      const found = ctx.remediation.pendingUndo(a.id);
      if (!found.ok) return { kind: 'refused', reason: found.reason };
      return { kind: 'plan', plan: found.plan, report: await diagnose(sources, ctx.config, 'instances') };
    },
  },
  {
    name: 'audit',
    args: auditArgs,
    run: async (ctx, a: z.infer<typeof auditArgs>) =>
      ctx.remediation ? { kind: 'audit', entries: ctx.remediation.auditEntries(a.limit) } : STATE_UNAVAILABLE,
  },
  {
    name: 'summary',
    args: noArgs,
    run: async (ctx) => {
      if (!ctx.summary) throw new ArgumentError('no history: set a writable DBPOOL_STATE_DIR');
      return { kind: 'summary', summary: await buildSummary(ctx.summary, ctx.now()) };
    },
  },
  { name: 'lang', args: langArgs, run: async (_ctx, lang: Lang) => ({ kind: 'lang', lang }) },
  { name: 'help', args: z.unknown(), run: async () => ({ kind: 'help' }) },
] as CommandSpec<never>[];

export const COMMAND_NAMES: readonly CommandName[] = COMMANDS.map((c) => c.name);

export interface PreparedCommand {
  name: CommandName;
  run(ctx: CommandContext): Promise<CommandResult>;
}

/** Looks the command up and validates its arguments: nothing runs unless both succeed. */
export function prepareCommand(line: ParsedCommandLine): PreparedCommand {
  const spec = COMMANDS.find((c) => c.name === line.name);
  if (!spec) throw new ArgumentError(`unknown command "${line.name}"`);
  const parsed = (spec.args as z.ZodType<unknown>).safeParse({ positionals: line.positionals, options: line.options });
  if (!parsed.success) throw new ArgumentError(describeIssues(line, parsed.error));
  return { name: spec.name, run: (ctx) => spec.run(ctx, parsed.data as never) };
}

function describeIssues(line: ParsedCommandLine, error: z.ZodError): string {
  const command = line.name;
  return error.issues
    .map((i) => {
      const [where, key] = i.path;
      const subject = where === 'options' && key !== undefined ? `--${String(key)}` : where === 'positionals' ? 'argument' : command;
      if (i.code === 'unrecognized_keys') return `${command}: unknown option ${i.keys.map((k) => `--${k}`).join(', ')}`;
      const given =
        key === undefined ? line : where === 'options' ? line.options[String(key)] : line.positionals[Number(key)];
      if (given === undefined) return `${command}: ${subject} is required`;
      return `${command}: ${subject} ${i.message}`;
    })
    .join('; ');
}
