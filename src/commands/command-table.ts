import { z } from 'zod';
import type { AuditEntry } from '../actions/audit-log.js';
import type { RemediationFlow, RequestResult } from '../actions/remediation-flow.js';
import type { Actor, RemediationPlan } from '../actions/remediation-plan.js';
import type { Config } from '../config.js';
import type { DailySummary } from '../core/daily-summary.js';
import type { Report, ReportView } from '../core/report.js';
import { buildWhatIfReport } from '../core/what-if.js';
import { buildSummary, type SummaryDeps } from '../diagnosis/build-summary.js';
import { reportSettings, type Diagnoser } from '../diagnosis/diagnose.js';
import type { Lang } from '../i18n/catalog.js';
import type { CommandName } from './command-names.js';
import { ArgumentError, parseDecimal, type ArgumentProblem, type ParsedCommandLine } from './parse-command-line.js';

/** What a command step needs; built once by the composition root (src/services.ts). */
export interface CommandContext {
  config: Config;
  /** Null when no database is configured: only `math`, `help` and `lang` work then. */
  diagnoser: Diagnoser | null;
  now: () => Date;
  /** Null when remediation cannot be set up (no database, no state store). */
  remediation: RemediationFlow | null;
  /** Who runs this command: the Slack user, or the CLI's local user. */
  requester: Actor;
  /** The history behind `summary`; null without a state store. */
  summary?: SummaryDeps | null;
}

export type CommandResult =
  | { kind: 'report'; report: Report }
  /** The status as one monitoring-plugin line (Nagios/Icinga). */
  | { kind: 'check'; report: Report }
  | { kind: 'help' }
  | { kind: 'lang'; lang: Lang }
  /** `report`: what the plan was made from (for an Undo, stored after its action: the instances now). */
  /** `dryRun`: --dry-run was given: the plan is shown and nothing else (in Slack too: no Approve button). */
  | { kind: 'plan'; plan: RemediationPlan; report: Report; dryRun: boolean }
  | { kind: 'refused'; refusal: Extract<RequestResult, { ok: false }> }
  | { kind: 'audit'; entries: AuditEntry[] }
  | { kind: 'summary'; summary: DailySummary };

/**
 * The ranges the command table accepts. A deployment uses PRODUCT_LIMITS; the tests pass shorter
 * idle thresholds through the composition's seams, which neither the CLI nor Slack can reach.
 */
export interface CommandLimits {
  /** Idle threshold of `idle` and `terminate-idle`, in minutes. */
  idleMinutes: { min: number; max: number };
}

export const PRODUCT_LIMITS: CommandLimits = { idleMinutes: { min: 1, max: 60 * 24 * 7 } };

interface CommandSpec<A> {
  name: CommandName;
  /** Validates positionals and options; unknown options are errors. */
  args: z.ZodType<A>;
  run(ctx: CommandContext, args: A): Promise<CommandResult>;
}

/** A decimal number in a range, typed with any digits; a custom issue carries the range for the message. */
const decimal = (min: number, max: number, whole: boolean) =>
  z.string().transform((raw, ctx) => {
    const n = parseDecimal(raw, whole);
    if (n !== null && n >= min && n <= max) return n;
    ctx.addIssue({ code: 'custom', params: { range: { min, max, whole } } });
    return z.NEVER;
  });
const count = (min: number, max: number) => decimal(min, max, true);
const noArgs = z.object({ positionals: z.array(z.string()).max(0), options: z.object({}).strict() });

function needDiagnoser(ctx: CommandContext): Diagnoser {
  if (!ctx.diagnoser) throw new ArgumentError([{ code: 'no_database' }]);
  return ctx.diagnoser;
}

const reportCommand = (name: Exclude<ReportView, 'idle' | 'math'>): CommandSpec<unknown> => ({
  name,
  args: noArgs,
  run: async (ctx) => ({ kind: 'report', report: await needDiagnoser(ctx).diagnose(name) }),
});

const mathArgs = z
  .object({
    positionals: z.array(z.string()).max(0),
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

/** A utilization line in percent of the usable slots, `80%` or `80`, as check_pgactivity takes it. */
const percent = z.string().transform((raw, ctx) => {
  const n = parseDecimal(raw.replace(/%$/, ''), false);
  if (n !== null && n >= 1 && n <= 99) return n / 100;
  ctx.addIssue({ code: 'custom', params: { range: { min: 1, max: 99, whole: false } } });
  return z.NEVER;
});

/** -w/--warning and -c/--critical; the config's lines where not given; warn must stay below crit. */
const checkArgs = z
  .object({
    positionals: z.array(z.string()).max(0),
    options: z.object({ w: percent.optional(), c: percent.optional(), warning: percent.optional(), critical: percent.optional() }).strict(),
  })
  .transform((a) => ({ warn: a.options.warning ?? a.options.w, crit: a.options.critical ?? a.options.c }))
  .refine((a) => a.warn === undefined || a.crit === undefined || a.warn < a.crit, { params: { warnBelowCrit: true } });

const auditArgs = z
  .object({ positionals: z.array(z.string()).max(0), options: z.object({ limit: count(1, 500).default(20) }).strict() })
  .transform((a) => ({ limit: a.options.limit }));

/** The id printed after a scale-down (and in the audit): 16 random bytes, base64url, never starting with '-'. */
const undoArgs = z
  .object({
    positionals: z.tuple([z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)]),
    options: z.object({ yes: z.literal(true).optional(), 'dry-run': z.literal(true).optional() }).strict(),
  })
  .transform((a) => ({ id: a.positionals[0], dryRun: a.options['dry-run'] === true }));

const langArgs = z.object({ positionals: z.tuple([z.enum(['fa', 'en'])]), options: z.object({}).strict() }).transform((a) => a.positionals[0]);

/** Without a state store nothing can be planned or audited: a refusal, not a wrong argument. */
const STATE_UNAVAILABLE = { kind: 'refused', refusal: { ok: false, reason: 'state_unavailable' } } as const;

/** The table for one set of limits: the idle threshold's range is the only thing that varies. */
function commandsFor(limits: CommandLimits): CommandSpec<never>[] {
  const minutes = decimal(limits.idleMinutes.min, limits.idleMinutes.max, false);
  const idleArgs = z
    .object({ positionals: z.array(minutes).max(1), options: z.object({ minutes: minutes.optional() }).strict() })
    .transform((a) => ({ minutes: a.options.minutes ?? a.positionals[0] }));
  const planArgs = z
    .object({
      positionals: z.array(z.string()).max(0),
      options: z.object({ minutes: minutes.optional(), yes: z.literal(true).optional(), 'dry-run': z.literal(true).optional() }).strict(),
    })
    .transform((a) => ({ minutes: a.options.minutes, dryRun: a.options['dry-run'] === true }));

  /** Diagnoses, then stores a plan for exactly what the report shows; running it needs an approval. */
  const planCommand = (name: 'terminate-idle' | 'stop-extra'): CommandSpec<z.infer<typeof planArgs>> => ({
    name,
    args: planArgs,
    run: async (ctx, a) => {
      const diagnoser = needDiagnoser(ctx);
      const remediation = ctx.remediation;
      if (!remediation) return STATE_UNAVAILABLE;
      const report = await diagnoser.diagnose(name === 'terminate-idle' ? 'idle' : 'instances', { idleMinutes: a.minutes });
      const result = remediation.request(name === 'terminate-idle' ? 'terminate_idle' : 'stop_extra', report, ctx.requester);
      return result.ok ? { kind: 'plan', plan: result.plan, report, dryRun: a.dryRun } : { kind: 'refused', refusal: result };
    },
  });

  return [
    reportCommand('status'),
    reportCommand('connections'),
    reportCommand('instances'),
    reportCommand('workers'),
    reportCommand('config'),
    {
      name: 'idle',
      args: idleArgs,
      run: async (ctx, a: z.infer<typeof idleArgs>) => ({ kind: 'report', report: await needDiagnoser(ctx).diagnose('idle', { idleMinutes: a.minutes }) }),
    },
    {
      name: 'math',
      args: mathArgs,
      run: async (ctx, w: z.infer<typeof mathArgs>) => ({ kind: 'report', report: buildWhatIfReport(w, reportSettings(ctx.config), ctx.now()) }),
    },
    {
      name: 'check',
      args: checkArgs,
      run: async (ctx, a: z.infer<typeof checkArgs>) => {
        const warn = a.warn ?? ctx.config.thresholds.warnUtilization;
        const crit = a.crit ?? ctx.config.thresholds.critUtilization;
        if (warn >= crit) throw new ArgumentError([{ code: 'warn_below_crit', command: 'check' }]);
        return { kind: 'check', report: await needDiagnoser(ctx).diagnose('status', { utilization: { warn, crit } }) };
      },
    },
    planCommand('terminate-idle'),
    planCommand('stop-extra'),
    {
      // The Undo a scale-down stored, shown for approval like a new plan (issue #13).
      name: 'undo',
      args: undoArgs,
      run: async (ctx, a: z.infer<typeof undoArgs>) => {
        const diagnoser = needDiagnoser(ctx);
        if (!ctx.remediation) return STATE_UNAVAILABLE;
        const found = ctx.remediation.pendingUndo(a.id);
        if (!found.ok) return { kind: 'refused', refusal: found };
        return { kind: 'plan', plan: found.plan, report: await diagnoser.diagnose('instances'), dryRun: a.dryRun };
      },
    },
    {
      name: 'audit',
      args: auditArgs,
      run: async (ctx, a: z.infer<typeof auditArgs>) => (ctx.remediation ? { kind: 'audit', entries: ctx.remediation.auditEntries(a.limit) } : STATE_UNAVAILABLE),
    },
    {
      name: 'summary',
      args: noArgs,
      run: async (ctx) => {
        if (!ctx.summary) throw new ArgumentError([{ code: 'no_history' }]);
        return { kind: 'summary', summary: await buildSummary(ctx.summary, ctx.now()) };
      },
    },
    { name: 'lang', args: langArgs, run: async (_ctx, lang: Lang) => ({ kind: 'lang', lang }) },
    { name: 'help', args: z.unknown(), run: async () => ({ kind: 'help' }) },
  ] as CommandSpec<never>[];
}

const tables = new Map<CommandLimits, CommandSpec<never>[]>();

export interface PreparedCommand {
  name: CommandName;
  run(ctx: CommandContext): Promise<CommandResult>;
}

/** Looks the command up and validates its arguments: nothing runs unless both succeed. */
export function prepareCommand(line: ParsedCommandLine, limits: CommandLimits = PRODUCT_LIMITS): PreparedCommand {
  let table = tables.get(limits);
  if (!table) tables.set(limits, (table = commandsFor(limits)));
  const spec = table.find((c) => c.name === line.name);
  if (!spec) throw new ArgumentError([{ code: 'unknown_command', command: line.name }]);
  const parsed = (spec.args as z.ZodType<unknown>).safeParse({ positionals: line.positionals, options: line.options });
  if (!parsed.success) throw new ArgumentError(problemsOf(line, parsed.error));
  return { name: spec.name, run: (ctx) => spec.run(ctx, parsed.data as never) };
}

/** zod's issues as argument problems: what is wrong with which option or argument. */
function problemsOf(line: ParsedCommandLine, error: z.ZodError): ArgumentProblem[] {
  const command = line.name;
  return error.issues.map((i): ArgumentProblem => {
    const [where, key] = i.path;
    if (i.code === 'unrecognized_keys') return { code: 'unknown_option', command, options: i.keys.map((k) => `--${k}`) };
    if (i.code === 'too_big' && where === 'positionals' && key === undefined) return { code: 'too_many_arguments', command, max: Number(i.maximum) };
    if (i.code === 'custom' && (i.params as { warnBelowCrit?: boolean } | undefined)?.warnBelowCrit) return { code: 'warn_below_crit', command };
    const option = String(key);
    const subject = where === 'options' && key !== undefined ? (option.length === 1 ? `-${option}` : `--${option}`) : where === 'positionals' ? 'argument' : command;
    const given = key === undefined ? line : where === 'options' ? line.options[String(key)] : line.positionals[Number(key)];
    if (given === undefined) return { code: 'required', command, subject };
    if (given === true) return { code: 'needs_value', command, subject };
    const range = i.code === 'custom' ? (i.params as { range?: { min: number; max: number; whole: boolean } } | undefined)?.range : undefined;
    if (range) return { code: 'range', command, subject, ...range };
    if (i.code === 'invalid_value' && i.values.includes(true)) return { code: 'takes_no_value', command, subject };
    if (i.code === 'invalid_value') return { code: 'one_of', command, subject, allowed: i.values.map(String) };
    return { code: 'invalid', command, subject };
  });
}
