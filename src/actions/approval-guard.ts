import type { Actor, RemediationPlan } from './remediation-plan.js';

export type PlanStatus = 'pending' | 'running' | 'done' | 'failed' | 'cancelled';

export interface RemediationPolicy {
  /** All remediation off: dbpool only reports. */
  readOnly: boolean;
  /** Slack user IDs allowed to approve (members of the approver user group are added by the caller). */
  approvers: string[];
  /** Whoever asked for the plan cannot approve it. */
  twoPersonRule: boolean;
  maxActionsPerHour: number;
}

/** Why an approval or a cancel was refused; each has a sentence in both catalogs. */
export type Refusal =
  | 'unknown_plan'
  | 'expired'
  | 'already_ran'
  | 'cancelled'
  | 'not_approver'
  | 'requester_cannot_approve'
  | 'read_only'
  | 'hourly_cap'
  | 'cannot_cancel'
  /** The state file cannot record the action (unavailable, deleted, full). */
  | 'state_unavailable'
  /** dbpool is stopping: it starts nothing new. */
  | 'shutting_down';

export type GuardResult = { ok: true } | { ok: false; reason: Refusal };

export interface GuardInput {
  plan: RemediationPlan | null;
  status: PlanStatus | null;
  approver: Actor;
  now: Date;
  policy: RemediationPolicy;
  actionsInLastHour: number;
}

/**
 * Everything that makes a click safe happens here, on the server: Slack's confirm dialog only asks
 * whoever clicked. The CLI's operator already has a shell on the host, so the approver list and the
 * two-person rule are Slack's; read-only mode and the hourly cap hold for both.
 */
export function checkApproval(input: GuardInput): GuardResult {
  const { plan, status, approver, now, policy } = input;
  if (policy.readOnly) return refuse('read_only');
  if (!plan || !status) return refuse('unknown_plan');
  if (status === 'cancelled') return refuse('cancelled');
  if (status !== 'pending') return refuse('already_ran');
  if (Date.parse(plan.expiresAt) <= now.getTime()) return refuse('expired');
  if (!isApprover(approver, policy)) return refuse('not_approver');
  if (policy.twoPersonRule && approver.kind === 'slack' && plan.requestedBy.kind === 'slack' && plan.requestedBy.id === approver.id) {
    return refuse('requester_cannot_approve');
  }
  if (input.actionsInLastHour >= policy.maxActionsPerHour) return refuse('hourly_cap');
  return { ok: true };
}

/** Cancel follows the approver rules: whoever asked for the plan, or anyone who may approve it. */
export function checkCancel(plan: RemediationPlan | null, status: PlanStatus | null, actor: Actor, policy: RemediationPolicy): GuardResult {
  if (!plan || !status) return refuse('unknown_plan');
  const requester = plan.requestedBy.kind === actor.kind && plan.requestedBy.id === actor.id;
  if (!requester && !isApprover(actor, policy)) return refuse('cannot_cancel');
  if (status === 'cancelled') return refuse('cancelled');
  if (status !== 'pending') return refuse('already_ran');
  return { ok: true };
}

/** Slack: listed by ID or a member of the approver group. The CLI's operator has a shell on the host already. */
function isApprover(actor: Actor, policy: RemediationPolicy): boolean {
  return actor.kind === 'cli' || policy.approvers.includes(actor.id) || actor.inApproverGroup === true;
}

function refuse(reason: Refusal): GuardResult {
  return { ok: false, reason };
}
