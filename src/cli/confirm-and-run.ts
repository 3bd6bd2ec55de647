import type { RemediationPlan } from '../actions/remediation-plan.js';
import type { CommandContext } from '../commands/command-table.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import { outcomeLines, planLines, planTitle, refusalLines, undoHint, verificationLines } from '../render/action-document.js';

export interface ConfirmIo {
  out(s: string): void;
  /** Asks a question and resolves with the answer; null when there is no terminal to ask. */
  ask(question: string): Promise<string | null>;
}

export interface ConfirmOptions {
  yes: boolean;
  dryRun: boolean;
}

/**
 * The CLI's rendering of the remediation flow: show the plan, ask y/N (or take --yes), approve it
 * through the same flow as a Slack click, print the outcome (and the Undo of a scale-down) and then
 * the check after it. Returns the exit code: 0 done (or a dry run), 1 declined, refused or failed.
 */
export async function confirmAndRun(plan: RemediationPlan, ctx: CommandContext, io: ConfirmIo, t: Catalog, f: Formatter, options: ConfirmOptions): Promise<number> {
  const remediation = ctx.remediation;
  if (!remediation) return 1;
  io.out(`${planTitle(plan, t, f)}\n${planLines(plan, t, f, 50).map((l) => `  ${l}`).join('\n')}\n${t.action.expiresAt({ at: f.dateTime(plan.expiresAt) }, f)}\n`);
  // An Undo stays offered (in Slack's thread too) when the operator declines it here.
  const keep = plan.action === 'undo_scale';
  if (options.dryRun) {
    if (!keep) remediation.dryRun(plan.id, ctx.requester);
    io.out(`${t.action.dryRun}\n`);
    return 0;
  }
  if (!options.yes) {
    const answer = await io.ask(t.action.ask);
    if (answer === null || !/^\s*y(es)?\s*$/i.test(answer)) {
      if (!keep) remediation.cancel(plan.id, ctx.requester);
      io.out(`${t.action.aborted}${answer === null ? ` ${t.action.noTerminal}` : ''}\n`);
      return 1;
    }
  }
  const result = await remediation.approve(plan.id, ctx.requester);
  if (!result.ok) {
    io.out(`${refusalLines(result, t, f).join('\n')}\n`);
    return 1;
  }
  io.out(`${outcomeLines(result.outcome, t, f, 50).join('\n')}\n`);
  if (result.undo) io.out(`${undoHint(result.undo, 'dbpool', t, f)}\n`);
  const verification = await result.verification;
  io.out(`\n${t.action.verifyTitle}\n${verificationLines(verification, t, f).map((l) => `  ${l}`).join('\n')}\n`);
  return 0;
}
