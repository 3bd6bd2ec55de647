/**
 * What dbpool asks of Slack. manifest.yml must declare exactly these (test/slack/manifest.test.ts),
 * so a new scope or command is added here and in the manifest together.
 */
export const SLASH_COMMAND = '/dbpool';

/**
 * Bot scopes the code uses: `commands` for /dbpool, `chat:write` for chat.postMessage and chat.update,
 * `usergroups:read` to find the members of DBPOOL_APPROVER_GROUP, `files:write` for the daily chart.
 */
export const BOT_SCOPES = ['commands', 'chat:write', 'usergroups:read', 'files:write'] as const;

/** Every action_id dbpool puts on a message (the handlers: listeners/buttons/index.ts). */
export const ACTION_IDS = {
  refresh: 'dbpool_refresh',
  showIdle: 'dbpool_show_idle',
  showInstances: 'dbpool_show_instances',
  switchLanguage: 'dbpool_switch_language',
  /** Propose a remediation: diagnoses again and posts the plan for approval (runs nothing). */
  proposeTerminateIdle: 'dbpool_propose_terminate_idle',
  proposeStopExtra: 'dbpool_propose_stop_extra',
  /** On a proposed plan: the danger button with Slack's confirm dialog, and its Cancel. */
  approvePlan: 'dbpool_approve_plan',
  cancelPlan: 'dbpool_cancel_plan',
  /** In the thread after a Swarm scale-down: approve the stored Undo (scale back), like any plan. */
  undoScale: 'dbpool_undo_scale',
  /** On an early warning: no more warnings for an hour. */
  muteWarnings: 'dbpool_mute_warnings',
} as const;

export type ActionId = (typeof ACTION_IDS)[keyof typeof ACTION_IDS];
