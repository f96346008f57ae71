/**
 * Approve and Deny clicks are limited per user (issue 11): anyone who can see an approval message could otherwise
 * click it hundreds of times during an outage. Over the limit the first click of the window is told when to retry,
 * only to the clicker; the rest are dropped without an answer, so a flood costs no Slack call at all.
 */
import type { CommandLimiter } from '../../../ports.js';
import { buildNoticeMessage } from '../blocks/simple-messages.js';
import type { HandlerDeps, Respond } from './handler-deps.js';
import { replyEphemeral } from './reply.js';

export interface DecisionGate {
  /** True when the click may go on; otherwise answered (at most once per window) and false. */
  pass(deps: HandlerDeps, user: string, respond?: Respond): Promise<boolean>;
}

export function createDecisionGate(limiter: CommandLimiter, nowMs: () => number = Date.now): DecisionGate {
  // user → end of the window in which they were last told; bounded by the users who clicked too fast recently
  const told = new Map<string, number>();
  return {
    async pass(deps, user, respond) {
      const gate = await limiter.take(user);
      if (gate.allowed) return true;
      const now = nowMs();
      for (const [u, until] of told) if (until <= now) told.delete(u);
      if (!told.has(user) && respond) {
        told.set(user, now + gate.retryAfterMs);
        const seconds = Math.max(1, Math.ceil(gate.retryAfterMs / 1000));
        await replyEphemeral(respond, buildNoticeMessage(`:hourglass: Too many clicks; try again in ${seconds} s.`)).catch((err: unknown) =>
          deps.logger.warn({ err, user }, 'could not answer a rate-limited click'));
      }
      return false;
    },
  };
}
