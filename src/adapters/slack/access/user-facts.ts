/**
 * What Slack says about a user (users.info, scope users:read) that decides whether they may see reports: a guest
 * (`is_restricted` multi-channel, `is_ultra_restricted` single-channel), a member of another workspace (Slack
 * Connect: `team_id` elsewhere, `is_stranger`), deactivated, or a bot. Answers are kept a short while (users.info is
 * Tier 4) and concurrent lookups of one user share one call.
 */
import type { WebClient } from '@slack/web-api';
import type { Metrics } from '../../observability/metrics.js';
import { UsersInfoAnswer } from '../slack-answers.js';
import { callSlack } from '../slack-call.js';

export interface UserFacts {
  teamId: string;
  enterpriseId: string | null;
  isGuest: boolean;
  isStranger: boolean;
  isInactive: boolean;
}

export type UserFactsReader = (userId: string) => Promise<UserFacts>;

export function toUserFacts(user: UsersInfoAnswer['user']): UserFacts {
  return {
    teamId: user.team_id,
    enterpriseId: user.enterprise_user?.enterprise_id ?? null,
    isGuest: user.is_restricted === true || user.is_ultra_restricted === true,
    isStranger: user.is_stranger === true,
    isInactive: user.deleted === true || user.is_bot === true,
  };
}

export function createUserFactsReader(client: WebClient, opts: { metrics?: Metrics; ttlMs?: number; now?: () => number } = {}): UserFactsReader {
  const ttlMs = opts.ttlMs ?? 60_000;
  const now = opts.now ?? Date.now;
  const known = new Map<string, { facts: UserFacts; at: number }>();
  const inFlight = new Map<string, Promise<UserFacts>>();
  return async (userId) => {
    const cached = known.get(userId);
    if (cached && now() - cached.at < ttlMs) return cached.facts;
    let pending = inFlight.get(userId);
    if (pending === undefined) {
      pending = callSlack(opts.metrics, 'users.info', UsersInfoAnswer, () => client.users.info({ user: userId }))
        .then((answer) => {
          const facts = toUserFacts(answer.user);
          if (known.size >= 5000) known.clear(); // bounded: a flood of ids cannot grow it without end
          known.set(userId, { facts, at: now() });
          return facts;
        })
        .finally(() => inFlight.delete(userId));
      inFlight.set(userId, pending);
    }
    return pending;
  };
}
