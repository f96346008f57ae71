/**
 * Members of a Slack user group (usergroups.users.list, scope usergroups:read), read at use time so that removing
 * someone takes effect at once; concurrent checks of one group share one call in flight.
 */
import type { WebClient } from '@slack/web-api';
import type { Metrics } from '../../observability/metrics.js';
import { UsergroupsUsersListAnswer } from '../slack-answers.js';
import { callSlack } from '../slack-call.js';

export type GroupMembers = (group: string) => Promise<ReadonlySet<string>>;

export function createGroupMembers(client: WebClient, metrics?: Metrics): GroupMembers {
  const inFlight = new Map<string, Promise<ReadonlySet<string>>>();
  return (group) => {
    let pending = inFlight.get(group);
    if (pending === undefined) {
      pending = callSlack(metrics, 'usergroups.users.list', UsergroupsUsersListAnswer, () => client.usergroups.users.list({ usergroup: group }))
        .then((answer): ReadonlySet<string> => new Set(answer.users))
        .finally(() => inFlight.delete(group));
      inFlight.set(group, pending);
    }
    return pending;
  };
}
