import type { RespondFn, webApi } from '@slack/bolt';
import type { CommandContext, CommandLimits, CommandResult } from '../commands/command-table.js';
import { ArgumentError, type ArgumentProblem } from '../commands/parse-command-line.js';
import type { Config } from '../config.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { auditLines, requestRefusalLines } from '../render/action-document.js';
import { reportToSlack, slackFormatter, textToSlack, type SlackMessage } from '../render/block-kit.js';
import { argumentText, helpLines } from '../render/help.js';
import { renderPluginLine } from '../render/plugin-line.js';
import { escapeMrkdwn, slackCode, slackMention } from '../render/slack-mrkdwn.js';
import type { ApproverGroup } from './approver-group.js';
import type { GateDeps } from './authorize-request.js';
import { parseSlackText } from './parse-slack-text.js';
import { approvalMessage, dryRunMessage, proposeButtons } from './remediation-messages.js';
import { fixFirst, reportButtons } from './report-buttons.js';
import { createSlackSummaryPoster } from './scheduled-posts.js';
import { isReportCommand } from '../commands/command-names.js';
import { SLASH_COMMAND } from './slack-constants.js';
import type { UserLanguageStore } from './user-language-store.js';

/** What the Slack handlers share; built once by createSlackApp. */
export interface SlackDeps {
  config: Config;
  /** The shared command context; the requester is set per request. */
  context: CommandContext;
  languages: UserLanguageStore;
  logger: Logger;
  /** The one clock of every time shown: config.timeZone (createSlackApp sets it); UTC without. */
  timeZone?: string;
  /** The "Mute 1h" button's effect; absent when no early warnings run. */
  muteWarnings?: (until: Date) => void;
  approverGroup: ApproverGroup;
  /** Where refusals are recorded (the gate, tampered buttons). */
  gate: GateDeps;
  /** Bounds the Slack side of the work in flight (posting, rendering): the acks stay fast under a burst. */
  limit: <T>(task: () => Promise<T>) => Promise<T>;
  /** The command table's ranges (tests shorten them; a deployment uses the product's). */
  limits?: CommandLimits;
}

/** One request, from a slash command or a button: the same steps for both. */
export interface SlackRequest {
  userId: string;
  channelId: string | undefined;
  /** The command line, as typed after /dbpool or carried by a button. */
  text: string;
  /** A button's message language; otherwise the user's. */
  lang?: Lang;
  /** A button's message: updated in place instead of posting a new one. */
  message?: { channel: string; ts: string };
  /** Only for ephemeral replies: a response_url allows 5 uses in 30 minutes. */
  respond: RespondFn;
  client: webApi.WebClient;
  /** Buttons re-run report commands only; anything else in a button value is refused. */
  reportsOnly?: boolean;
}

/** One request's answer: where it goes, in which language; every delivery and the one failure reply use it. */
interface Reply {
  req: SlackRequest;
  deps: SlackDeps;
  lang: Lang;
  canonical: string;
  log: Logger;
  /** The "checking…" message a report replaces, once posted. */
  target: { channel: string; ts: string } | null;
}

type Delivery<K extends CommandResult['kind']> = (r: Reply, result: Extract<CommandResult, { kind: K }>) => Promise<void>;

/** How each kind of result reaches Slack: the CLI's switch, as a table. */
const DELIVERIES: { [K in CommandResult['kind']]: Delivery<K> } = {
  report: async (r, result) => {
    const t = catalogFor(r.lang);
    const f = slackFormatter(r.lang, r.deps.timeZone);
    const remediation = r.deps.context.remediation && !r.deps.config.remediation.readOnly;
    const message = reportToSlack(result.report, r.lang, {
      buttons: fixFirst(remediation ? proposeButtons(result.report, r.lang) : [], reportButtons(r.canonical, r.lang)),
      context: [t.slack.requestedBy({ user: slackMention(r.req.userId), command: escapeMrkdwn(`${SLASH_COMMAND} ${r.canonical}`) }, f)],
      timeZone: r.deps.timeZone,
    });
    await replaceTarget(r, message);
  },
  // The monitoring line, to the asker: what `dbpool check` prints for Nagios/Icinga.
  check: async (r, result) => {
    const line = renderPluginLine(result.report, catalogFor(r.lang), slackFormatter(r.lang, r.deps.timeZone)).trimEnd();
    await ephemeral(r, textToSlack([`\`\`\`${line.replace(/`/g, "'")}\`\`\``], r.lang));
  },
  help: async (r) => ephemeral(r, helpMessage(r.lang)),
  lang: async (r, result) => {
    await r.deps.languages.set(r.req.userId, result.lang);
    r.log.info({ lang: result.lang }, 'user language set');
    await ephemeral(r, textToSlack([escapeMrkdwn(catalogFor(result.lang).slack.langSet)], result.lang));
  },
  // A stored plan, posted for approval in the channel (in the report's thread for a button); nothing runs.
  plan: async (r, result) => {
    // --dry-run: the plan to the asker alone, no Approve button; an Undo stays offered, as in the CLI.
    if (result.dryRun) {
      if (result.plan.action !== 'undo_scale') r.deps.context.remediation?.dryRun(result.plan.id, { kind: 'slack', id: r.req.userId });
      await ephemeral(r, dryRunMessage(result.plan, r.lang, r.deps.timeZone));
      r.log.info({ planId: result.plan.id, action: result.plan.action }, 'remediation dry run');
      return;
    }
    const channel = r.req.message?.channel ?? r.req.channelId;
    if (!channel) throw new Error('a plan request without a channel');
    const message = approvalMessage(result.plan, r.lang, r.req.userId, r.deps.timeZone);
    const posted = await r.req.client.chat.postMessage({ channel, ...(r.req.message ? { thread_ts: r.req.message.ts } : {}), ...message });
    if (posted.ts) r.deps.context.remediation?.attachMessage(result.plan.id, { channel, ts: posted.ts, lang: r.lang });
    r.log.info({ planId: result.plan.id, action: result.plan.action }, 'remediation proposed');
  },
  refused: async (r, result) => {
    const f = slackFormatter(r.lang, r.deps.timeZone);
    await ephemeral(r, textToSlack(requestRefusalLines(result.refusal, catalogFor(r.lang), f).map(escapeMrkdwn), r.lang));
  },
  audit: async (r, result) => {
    const t = catalogFor(r.lang);
    const lines = auditLines(result.entries, t, slackFormatter(r.lang, r.deps.timeZone)).map(escapeMrkdwn);
    await ephemeral(r, textToSlack([`*${escapeMrkdwn(t.action.auditTitle)}*`, ...lines], r.lang));
  },
  // The daily summary now, with its chart, in the channel: the same poster as the scheduled one.
  summary: async (r, result) => {
    if (!r.req.channelId) throw new Error('a summary request without a channel');
    // The chart stack (Chart.js, the canvas) is loaded by the one delivery that draws it.
    const { renderSummary } = await import('../render/render-summary.js');
    const { doc, png } = await renderSummary(result.summary, r.lang, { timeZone: r.deps.timeZone ?? r.deps.config.timeZone, chart: true, code: slackCode });
    await createSlackSummaryPoster(r.req.client, r.log).postSummary(doc, png, r.req.channelId, r.lang);
  },
};

/**
 * Called after the ack (and after the gate): parse through the command table, start the command at
 * once (concurrent reports join one diagnosis), then deliver its result when the Slack side has room.
 */
export async function serveRequest(req: SlackRequest, deps: SlackDeps): Promise<void> {
  const log = deps.logger.child({ user: req.userId, channel: req.channelId });
  const r: Reply = { req, deps, lang: req.lang ?? deps.languages.get(req.userId), canonical: req.text, log, target: null };
  let parsed;
  try {
    parsed = parseSlackText(req.text, deps.limits);
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    if (req.reportsOnly) return badButton(r);
    log.info({ err: err.message }, 'bad /dbpool argument');
    return ephemeral(r, helpMessage(r.lang, err.problems));
  }
  const { command } = parsed;
  r.lang = parsed.lang ?? r.lang;
  r.canonical = parsed.canonical;
  if (req.reportsOnly && !isReportCommand(command.name)) return badButton(r);

  const ctx: CommandContext = { ...deps.context, requester: { kind: 'slack', id: req.userId } };
  const result = command.run(ctx);
  result.catch(() => {}); // handled below, once the Slack side has room
  await deps.limit(async () => {
    try {
      // A report first shows "checking…", replaced by the report when it is ready.
      if (isReportCommand(command.name) && !(await postChecking(r))) return;
      const settled = await result;
      await (DELIVERIES[settled.kind] as Delivery<typeof settled.kind>)(r, settled);
      log.info({ command: command.name, result: settled.kind }, 'request answered');
    } catch (err) {
      await replyFailure(r, err);
    }
  });
}

/** The one failure reply: in place of "checking…" when there is one, else ephemerally; logged once. */
export async function replyFailure(r: Reply, err: unknown): Promise<void> {
  const t = catalogFor(r.lang);
  const f = slackFormatter(r.lang, r.deps.timeZone);
  const text = err instanceof ArgumentError ? argumentText(err.problems, t, f) : t.slack.failed;
  if (!(err instanceof ArgumentError)) r.log.error({ err: slackFailure(err) ?? err, text: r.req.text.slice(0, 200) }, 'request failed');
  const message = textToSlack([escapeMrkdwn(text)], r.lang);
  try {
    if (r.target) await r.req.client.chat.update({ channel: r.target.channel, ts: r.target.ts, ...message });
    else await ephemeral(r, message);
  } catch {
    await ephemeral(r, message).catch((e: unknown) => r.log.warn({ err: slackFailure(e) }, 'could not tell the user the request failed'));
  }
}

/** Posts (or, for a button, updates to) "checking…"; false when dbpool may not post here (the user is told). */
async function postChecking(r: Reply): Promise<boolean> {
  const t = catalogFor(r.lang);
  const checking = textToSlack([escapeMrkdwn(t.slack.checking({ command: r.canonical }, slackFormatter(r.lang, r.deps.timeZone)))], r.lang);
  try {
    if (r.req.message) {
      await r.req.client.chat.update({ channel: r.req.message.channel, ts: r.req.message.ts, ...checking });
      r.target = r.req.message;
    } else {
      if (!r.req.channelId) throw new Error('a slash command without a channel');
      const posted = await r.req.client.chat.postMessage({ channel: r.req.channelId, ...checking });
      if (!posted.ts || !posted.channel) throw new Error('chat.postMessage returned no ts');
      r.target = { channel: posted.channel, ts: posted.ts };
    }
    return true;
  } catch (err) {
    if (!['not_in_channel', 'channel_not_found', 'is_archived'].includes(slackFailure(err) ?? '')) throw err;
    r.log.warn({ err: slackFailure(err) }, 'cannot post in this conversation');
    await ephemeral(r, textToSlack([escapeMrkdwn(t.slack.notInChannel)], r.lang));
    return false;
  }
}

/** The report in place of "checking…"; a report Slack refuses becomes one plain line, so "checking…" never stays. */
async function replaceTarget(r: Reply, message: SlackMessage): Promise<void> {
  if (!r.target) throw new Error('a report without its checking message');
  const target = r.target;
  try {
    await r.req.client.chat.update({ channel: target.channel, ts: target.ts, ...message });
  } catch (err) {
    const code = slackFailure(err) ?? 'error';
    r.log.error({ err: code }, 'report could not replace the checking message');
    const f = slackFormatter(r.lang, r.deps.timeZone);
    const refused = textToSlack([escapeMrkdwn(catalogFor(r.lang).slack.reportRefused({ error: code }, f))], r.lang);
    await r.req.client.chat.update({ channel: target.channel, ts: target.ts, ...refused }).catch(() => {
      r.target = null; // the failure reply goes ephemerally then
      throw err;
    });
  }
}

function helpMessage(lang: Lang, problems?: ArgumentProblem[]): SlackMessage {
  const t = catalogFor(lang);
  const lines = helpLines(t, SLASH_COMMAND).map(escapeMrkdwn);
  if (problems) lines.unshift(escapeMrkdwn(argumentText(problems, t, slackFormatter(lang))), '');
  return textToSlack(lines, lang);
}

async function badButton(r: Reply): Promise<void> {
  await ephemeral(r, textToSlack([escapeMrkdwn(catalogFor(r.lang).slack.badAction)], r.lang));
}

async function ephemeral(r: Reply, message: SlackMessage): Promise<void> {
  await r.req.respond({ response_type: 'ephemeral', replace_original: false, ...message });
}

/** Slack's error code (invalid_blocks, msg_too_long, …), else the HTTP status or the client's code. */
export function slackFailure(err: unknown): string | undefined {
  const e = err as { code?: unknown; statusCode?: unknown; data?: { error?: unknown } } | null;
  if (typeof e?.data?.error === 'string') return e.data.error;
  if (typeof e?.statusCode === 'number') return `HTTP ${e.statusCode}`;
  return typeof e?.code === 'string' ? e.code : undefined;
}
