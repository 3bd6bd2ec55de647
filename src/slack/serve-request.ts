import type { RespondFn, webApi } from '@slack/bolt';
import type { CommandContext, CommandResult } from '../commands/command-table.js';
import { ArgumentError } from '../commands/parse-command-line.js';
import type { Config } from '../config.js';
import { catalogFor, type Lang } from '../i18n/index.js';
import type { Logger } from '../logger.js';
import { auditLines } from '../render/action-document.js';
import { reportToSlack, slackFormatter, textToSlack, type SlackMessage } from '../render/block-kit.js';
import { helpLines } from '../render/help.js';
import { escapeMrkdwn, slackCode, slackMention } from '../render/slack-mrkdwn.js';
import { isAllowed } from './authorize-request.js';
import { parseSlackText, type SlackCommandLine } from './parse-slack-text.js';
import { approvalMessage, proposeButtons } from './remediation-messages.js';
import { createSlackSummaryPoster } from './scheduled-posts.js';
import { renderSummary } from '../schedule/summary-job.js';
import { reportButtons } from './report-buttons.js';
import { isReportCommand, SLASH_COMMAND } from './slack-constants.js';
import type { UserLanguageStore } from './user-language-store.js';

/** What the Slack handlers share; built once by createSlackApp. */
export interface SlackDeps {
  config: Config;
  /** The shared command context; the requester is set per request. */
  context: CommandContext;
  languages: UserLanguageStore;
  logger: Logger;
  timeZone?: string;
  /** The "Mute 1h" button's effect; absent when no early warnings run. */
  muteWarnings?: (until: Date) => void;
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

/** Called after the ack: authorize, parse through the command table, then run and post. */
export async function serveRequest(req: SlackRequest, deps: SlackDeps): Promise<void> {
  const log = deps.logger.child({ user: req.userId, channel: req.channelId });
  let lang = req.lang ?? deps.languages.get(req.userId);
  if (!isAllowed(deps.config.slack, req)) {
    log.warn({ text: req.text.slice(0, 200) }, 'slack request refused: user or channel not allowed');
    await ephemeral(req, textToSlack([escapeMrkdwn(catalogFor(lang).slack.notAllowed)], lang));
    return;
  }

  let parsed: SlackCommandLine;
  try {
    parsed = parseSlackText(req.text);
    lang = parsed.lang ?? lang;
  } catch (err) {
    if (!(err instanceof ArgumentError)) throw err;
    if (req.reportsOnly) return badAction(req, lang);
    log.info({ err: err.message }, 'bad /dbpool argument');
    await ephemeral(req, helpMessage(lang, err.message));
    return;
  }
  const { command, canonical } = parsed;
  if (req.reportsOnly && !isReportCommand(command.name)) return badAction(req, lang);

  const t = catalogFor(lang);
  const f = slackFormatter(lang, deps.timeZone);
  const ctx: CommandContext = { ...deps.context, requester: { kind: 'slack', id: req.userId } };
  switch (command.name) {
    case 'help':
      await ephemeral(req, helpMessage(lang));
      return;
    // Issue #13: `undo <id>` posts the stored Undo for approval, like a new plan.
    case 'terminate-idle':
    case 'stop-extra':
    case 'undo': {
      // Diagnoses again and stores a plan; nothing runs until an approver confirms it.
      const result = await runForText(command.run(ctx), lang, log);
      if (result.kind === 'plan') {
        const message = approvalMessage(result.plan, lang, req.userId, deps.timeZone);
        const channel = req.message?.channel ?? req.channelId;
        if (!channel) throw new Error('a plan request without a channel');
        await req.client.chat.postMessage({ channel, ...(req.message ? { thread_ts: req.message.ts } : {}), ...message });
        log.info({ planId: result.plan.id, action: result.plan.action }, 'remediation proposed');
      } else if (result.kind === 'refused') {
        await ephemeral(req, textToSlack([escapeMrkdwn(t.action.refused[result.reason])], lang));
      } else {
        await ephemeral(req, result.kind === 'text' ? result.message : textToSlack([escapeMrkdwn(t.slack.failed)], lang));
      }
      return;
    }
    case 'summary': {
      // The daily summary now, with its chart, in the channel: the same poster as the scheduled one.
      const result = await runForText(command.run(ctx), lang, log);
      if (result.kind === 'summary') {
        const channel = req.channelId;
        if (!channel) throw new Error('a summary request without a channel');
        const s = deps.config.schedule;
        const { doc, png } = await renderSummary(result.summary, lang, { timeZone: s.summaryTimeZone, chart: true, code: slackCode });
        await createSlackSummaryPoster(req.client, log).postSummary(doc, png, channel, lang);
      } else {
        await ephemeral(req, result.kind === 'text' ? result.message : textToSlack([escapeMrkdwn(t.slack.failed)], lang));
      }
      return;
    }
    case 'lang':
    case 'audit': {
      const result = await runForText(command.run(ctx), lang, log);
      if (result.kind === 'lang') {
        await deps.languages.set(req.userId, result.lang);
        log.info({ lang: result.lang }, 'user language set');
        await ephemeral(req, textToSlack([escapeMrkdwn(catalogFor(result.lang).slack.langSet)], result.lang));
      } else if (result.kind === 'audit') {
        await ephemeral(req, textToSlack([`*${escapeMrkdwn(t.action.auditTitle)}*`, ...auditLines(result.entries, t, f).map(escapeMrkdwn)], lang));
      } else if (result.kind === 'refused') {
        await ephemeral(req, textToSlack([escapeMrkdwn(t.action.refused[result.reason])], lang));
      } else {
        await ephemeral(req, result.kind === 'text' ? result.message : textToSlack([escapeMrkdwn(t.slack.failed)], lang));
      }
      return;
    }
  }

  // A report: a short "checking…" message first, replaced by the report when it is ready.
  const checking = textToSlack([escapeMrkdwn(t.slack.checking({ command: canonical }, f))], lang);
  let target: { channel: string; ts: string };
  try {
    target = await postOrUpdate(req, checking);
  } catch (err) {
    if (isSlackError(err, ['not_in_channel', 'channel_not_found', 'is_archived'])) {
      log.warn({ err: slackErrorCode(err) }, 'cannot post in this conversation');
      await ephemeral(req, textToSlack([escapeMrkdwn(t.slack.notInChannel)], lang));
      return;
    }
    throw err;
  }

  let message: SlackMessage;
  try {
    const result = await command.run(ctx);
    message = result.kind === 'report' ? reportMessage(result, canonical, lang, req.userId, deps) : textToSlack([escapeMrkdwn(t.slack.failed)], lang);
  } catch (err) {
    if (err instanceof ArgumentError) {
      message = textToSlack([escapeMrkdwn(t.cli.badArgument({ detail: err.message }, f))], lang);
    } else {
      log.error({ err, command: command.name }, 'report failed');
      message = textToSlack([escapeMrkdwn(t.slack.failed)], lang);
    }
  }
  try {
    await req.client.chat.update({ channel: target.channel, ts: target.ts, ...message });
  } catch (err) {
    // Slack refused the report itself (or is failing): put one plain line in its place, so the
    // channel never keeps a "checking…" message. If even that fails, the asker hears ephemerally.
    const code = slackFailure(err);
    log.error({ err: code, command: command.name }, 'report could not replace the checking message');
    const refused = textToSlack([escapeMrkdwn(t.slack.reportRefused({ error: code }, f))], lang);
    await req.client.chat.update({ channel: target.channel, ts: target.ts, ...refused }).catch(() => {
      throw err;
    });
    return;
  }
  log.info({ command: command.name }, 'report posted');
}

function reportMessage(
  result: Extract<CommandResult, { kind: 'report' }>,
  canonical: string,
  lang: Lang,
  userId: string,
  deps: SlackDeps,
): SlackMessage {
  const t = catalogFor(lang);
  const f = slackFormatter(lang, deps.timeZone);
  return reportToSlack(result.report, lang, {
    buttons: [...reportButtons(canonical, lang), ...(deps.context.remediation && !deps.config.remediation.readOnly ? proposeButtons(result.report, lang) : [])],
    context: [t.slack.requestedBy({ user: slackMention(userId), command: escapeMrkdwn(`${SLASH_COMMAND} ${canonical}`) }, f)],
    timeZone: deps.timeZone,
  });
}

async function postOrUpdate(req: SlackRequest, message: SlackMessage): Promise<{ channel: string; ts: string }> {
  if (req.message) {
    await req.client.chat.update({ channel: req.message.channel, ts: req.message.ts, ...message });
    return req.message;
  }
  if (!req.channelId) throw new Error('a slash command without a channel');
  const posted = await req.client.chat.postMessage({ channel: req.channelId, ...message });
  if (!posted.ts || !posted.channel) throw new Error('chat.postMessage returned no ts');
  return { channel: posted.channel, ts: posted.ts };
}

/** `lang` and `audit` answer only the asker. */
async function runForText(
  run: Promise<CommandResult>,
  lang: Lang,
  log: Logger,
): Promise<CommandResult | { kind: 'text'; message: SlackMessage }> {
  const t = catalogFor(lang);
  try {
    return await run;
  } catch (err) {
    if (err instanceof ArgumentError) return { kind: 'text', message: textToSlack([escapeMrkdwn(t.cli.badArgument({ detail: err.message }, slackFormatter(lang)))], lang) };
    log.error({ err }, 'command failed');
    return { kind: 'text', message: textToSlack([escapeMrkdwn(t.slack.failed)], lang) };
  }
}

function helpMessage(lang: Lang, error?: string): SlackMessage {
  const t = catalogFor(lang);
  const lines = helpLines(t, SLASH_COMMAND).map(escapeMrkdwn);
  if (error) lines.unshift(escapeMrkdwn(t.cli.badArgument({ detail: error }, slackFormatter(lang))), '');
  return textToSlack(lines, lang);
}

async function badAction(req: SlackRequest, lang: Lang): Promise<void> {
  await ephemeral(req, textToSlack([escapeMrkdwn(catalogFor(lang).slack.badAction)], lang));
}

async function ephemeral(req: SlackRequest, message: SlackMessage): Promise<void> {
  await req.respond({ response_type: 'ephemeral', replace_original: false, ...message });
}

function slackErrorCode(err: unknown): string | undefined {
  const data = (err as { data?: { error?: unknown } } | null)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Slack's error code (invalid_blocks, msg_too_long, …), else the HTTP status or the client's code. */
function slackFailure(err: unknown): string {
  const e = err as { code?: unknown; statusCode?: unknown } | null;
  if (typeof e?.statusCode === 'number') return `HTTP ${e.statusCode}`;
  return slackErrorCode(err) ?? (typeof e?.code === 'string' ? e.code : 'error');
}

function isSlackError(err: unknown, codes: string[]): boolean {
  const code = slackErrorCode(err);
  return code !== undefined && codes.includes(code);
}
