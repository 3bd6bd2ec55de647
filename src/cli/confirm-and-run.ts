import { convergenceTargets, diagnoseAfterAction } from '../actions/await-convergence.js';
import type { RemediationPlan } from '../actions/remediation-plan.js';
import type { CommandContext } from '../commands/command-table.js';
import type { Report } from '../core/report.js';
import { diagnose } from '../diagnosis/diagnose.js';
import type { Catalog } from '../i18n/catalog.js';
import type { Formatter } from '../i18n/format.js';
import { outcomeLines, planLines, planTitle, refusalText, verificationLines } from '../render/action-document.js';

export interface ConfirmIo {
  out(s: string): void;
  /** Asks a question and resolves with the answer; null when there is no terminal to ask. */
  ask(question: string): Promise<string | null>;
  sleep(ms: number): Promise<void>;
}

export interface ConfirmOptions {
  yes: boolean;
  dryRun: boolean;
}

/**
 * The CLI side of remediation: show the plan, ask y/N (or take --yes), run it through the same
 * guard and audit as a Slack click, then check the result as the runbook's "after the changes" says.
 * Returns the exit code: 0 done, 1 declined, refused or failed.
 */
export async function confirmAndRun(
  plan: RemediationPlan,
  before: Report,
  ctx: CommandContext,
  io: ConfirmIo,
  t: Catalog,
  f: Formatter,
  options: ConfirmOptions,
): Promise<number> {
  const remediation = ctx.remediation;
  if (!remediation || !ctx.sources) return 1;
  io.out(`${planTitle(plan, t, f)}\n${planLines(plan, t, f, 50).map((l) => `  ${l}`).join('\n')}\n${t.action.expiresAt({ at: f.dateTime(plan.expiresAt) }, f)}\n`);
  // Issue #13: an Undo stays offered when the operator declines it here.
  const keep = plan.action === 'undo_scale';
  if (options.dryRun) {
    if (!keep) remediation.cancel(plan.id, ctx.requester);
    io.out(`${t.action.dryRun}\n`);
    return 0;
  }
  if (!options.yes) {
    const answer = await io.ask(t.action.ask);
    if (answer === null || !/^\s*y(es)?\s*$/i.test(answer)) {
      if (!keep) remediation.cancel(plan.id, ctx.requester);
      io.out(`${t.action.aborted}${answer === null ? ' (no terminal: pass --yes)' : ''}\n`);
      return 1;
    }
  }
  const actedAt = ctx.now();
  const result = await remediation.approve(plan.id, ctx.requester);
  if (!result.ok) {
    io.out(`${refusalText(result, t)}\n`);
    return 1;
  }
  io.out(`${outcomeLines(result.outcome, t, f, 50).join('\n')}\n`);
  if (result.undo) io.out(`${t.action.undoHint({ command: `dbpool undo ${result.undo.id}`, at: f.dateTime(result.undo.expiresAt) }, f)}\n`);
  await io.sleep(ctx.config.remediation.verifyDelaySeconds * 1000);
  // Step 7 of the runbook: do the workers start cleanly now? Only log lines since the action count.
  // After a scale it waits (bounded) for the orchestrator to converge.
  const sources = ctx.sources;
  const { after, convergence } = await diagnoseAfterAction(
    () =>
      diagnose(sources, ctx.config, 'status', {
        idleMinutes: plan.action === 'terminate_idle' ? plan.minutes : undefined,
        logsSince: actedAt,
      }),
    convergenceTargets(plan, result.outcome),
    { timeoutMs: ctx.config.remediation.convergeTimeoutSeconds * 1000, sleep: io.sleep },
  );
  io.out(`\n${t.action.verifyTitle}\n${verificationLines(before, after, t, f, convergence).map((l) => `  ${l}`).join('\n')}\n`);
  return 0;
}
