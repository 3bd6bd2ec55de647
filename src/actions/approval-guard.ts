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

export type Refusal =
  | 'unknown_plan'
  | 'expired'
  | 'already_ran'
  | 'cancelled'
  | 'not_approver'
  | 'requester_cannot_approve'
  | 'read_only'
  | 'hourly_cap';

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
  if (approver.kind === 'slack') {
    if (!policy.approvers.includes(approver.id) && !approver.inApproverGroup) return refuse('not_approver');
    if (policy.twoPersonRule && plan.requestedBy.kind === 'slack' && plan.requestedBy.id === approver.id) {
      return refuse('requester_cannot_approve');
    }
  }
  if (input.actionsInLastHour >= policy.maxActionsPerHour) return refuse('hourly_cap');
  return { ok: true };
}

function refuse(reason: Refusal): GuardResult {
  return { ok: false, reason };
}
