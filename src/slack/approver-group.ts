import type { webApi } from '@slack/bolt';
import type { Logger } from '../logger.js';

const FRESH_MS = 5 * 60_000;

/**
 * Members of DBPOOL_APPROVER_GROUP, asked of Slack at most every five minutes and read from memory
 * in between, so that a click by a group member does not wait on Slack before the action runs.
 * Slack failing: the last known members count; none known yet: not a member.
 */
export interface ApproverGroup {
  includes(userId: string): Promise<boolean>;
}

export function createApproverGroup(group: string | undefined, client: webApi.WebClient, logger: Logger): ApproverGroup {
  let members: Set<string> | null = null;
  let fetchedAt = 0;
  let fetching: Promise<void> | null = null;

  function refresh(): Promise<void> {
    if (fetching) return fetching;
    fetching = client.usergroups.users.list({ usergroup: group ?? '' })
      .then((answer) => {
        members = new Set(answer.users ?? []);
        fetchedAt = Date.now();
      })
      .catch((err: unknown) => logger.warn({ err, group }, 'could not read the approver group: the last known members count'))
      .finally(() => {
        fetching = null;
      });
    return fetching;
  }

  return {
    async includes(userId) {
      if (!group) return false;
      if (members === null) await refresh();
      else if (Date.now() - fetchedAt > FRESH_MS) void refresh();
      return members?.has(userId) ?? false;
    },
  };
}
