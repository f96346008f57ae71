/**
 * Who may approve a fix, asked at click time (DESIGN.md §5): a user listed in VMLOCKS_APPROVERS, or a member of
 * the user group VMLOCKS_APPROVER_GROUP (usergroups.users.list, scope usergroups:read). Group membership is not
 * cached, so removing someone takes effect at once; concurrent clicks share one lookup in flight. When Slack cannot
 * say, the answer is no.
 */
import type { WebClient } from '@slack/web-api';
import type { ApproverDirectory } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { UsergroupsUsersListAnswer } from './slack-answers.js';
import { callSlack } from './slack-call.js';

export interface ApproverDirectoryOptions {
  client: WebClient;
  approvers: readonly string[];
  group?: string;
  logger: Logger;
  /** Counts the usergroups.users.list calls (externalCalls); optional. */
  metrics?: Metrics;
}

export function createApproverDirectory(opts: ApproverDirectoryOptions): ApproverDirectory {
  const listed = new Set(opts.approvers);
  let inFlight: Promise<ReadonlySet<string>> | null = null;

  const groupMembers = (group: string): Promise<ReadonlySet<string>> => {
    inFlight ??= callSlack(opts.metrics, 'usergroups.users.list', UsergroupsUsersListAnswer, () =>
      opts.client.usergroups.users.list({ usergroup: group }))
      .then((answer) => new Set(answer.users))
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };

  return {
    async isApprover(userId: string): Promise<boolean> {
      if (listed.has(userId)) return true;
      if (opts.group === undefined || opts.group === '') return false;
      try {
        return (await groupMembers(opts.group)).has(userId);
      } catch (err) {
        // Fail closed: an unknown approver is not an approver.
        opts.logger.error({ err, userId, group: opts.group }, 'could not read the approver group; treating the user as not authorised');
        return false;
      }
    },
  };
}
