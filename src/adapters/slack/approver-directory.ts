/**
 * Who may approve a fix, asked at click time (DESIGN.md §5): a user listed in VMLOCKS_APPROVERS, or a member of
 * the user group VMLOCKS_APPROVER_GROUP (read at use time: access/group-members.ts). When Slack cannot say, the
 * answer is no.
 */
import type { WebClient } from '@slack/web-api';
import type { ApproverDirectory } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createGroupMembers, type GroupMembers } from './access/group-members.js';

export interface ApproverDirectoryOptions {
  client: WebClient;
  approvers: readonly string[];
  group?: string;
  logger: Logger;
  /** Counts the usergroups.users.list calls (externalCalls); optional. */
  metrics?: Metrics;
  /** Shared with the operator check; default one of its own. */
  groupMembers?: GroupMembers;
}

export function createApproverDirectory(opts: ApproverDirectoryOptions): ApproverDirectory {
  const listed = new Set(opts.approvers);
  const members = opts.groupMembers ?? createGroupMembers(opts.client, opts.metrics);
  return {
    async isApprover(userId: string): Promise<boolean> {
      if (listed.has(userId)) return true;
      if (opts.group === undefined || opts.group === '') return false;
      try {
        return (await members(opts.group)).has(userId);
      } catch (err) {
        // Fail closed: an unknown approver is not an approver.
        opts.logger.error({ err, userId, group: opts.group }, 'could not read the approver group; treating the user as not authorised');
        return false;
      }
    },
  };
}
