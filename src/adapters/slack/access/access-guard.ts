/**
 * Who may see and act (DESIGN.md §5 "Who may see and act"): one check for every Slack entry point.
 *  1. The payload must come from the installation's team and enterprise (auth.test at start).
 *  2. The user must be an operator: VMLOCKS_OPERATORS, a member of VMLOCKS_OPERATOR_GROUP (read at use time), or an
 *     approver (approvers are operators). With neither variable set, the approvers are the only operators.
 *  3. The user must be a full member of the installation's workspace or organisation (users.info): not a guest, not
 *     a user of another organisation (Slack Connect), not deactivated.
 * Anything Slack cannot answer is a refusal (fail closed).
 */
import type { ApproverDirectory } from '../../../ports.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { GroupMembers } from './group-members.js';
import type { Installation } from './installation.js';
import type { UserFactsReader } from './user-facts.js';

/** Who is asking, as the payload says. */
export interface SlackActor {
  userId: string;
  /** The payload's team (T…), null for org-wide payloads. */
  teamId: string | null;
  /** The payload's enterprise (E…), null outside Enterprise Grid. */
  enterpriseId: string | null;
  /** The user's own team when the payload gives it (interactions: `user.team_id`). */
  userTeamId: string | null;
}

export type AccessRefusal = 'not_installed' | 'foreign_team' | 'foreign_enterprise' | 'foreign_user' | 'guest' | 'inactive' | 'not_operator' | 'lookup_failed';
export type AccessVerdict = { allowed: true } | { allowed: false; reason: AccessRefusal };

export interface OperatorPolicy {
  operators: readonly string[];
  operatorGroup?: string | undefined;
}

export interface AccessGuard {
  /** Called at start with auth.test's answer; until then every check is refused. */
  setInstallation(installation: Installation): void;
  /** May this actor see reports and ask for fixes (operators, approvers included)? */
  checkOperator(actor: SlackActor): Promise<AccessVerdict>;
}

export interface AccessGuardOptions {
  policy: OperatorPolicy;
  approvers: ApproverDirectory;
  groupMembers: GroupMembers;
  userFacts: UserFactsReader;
  logger: Logger;
  metrics?: Metrics;
}

function payloadRefusal(inst: Installation, actor: SlackActor): AccessRefusal | null {
  if (actor.enterpriseId !== inst.enterpriseId) return 'foreign_enterprise';
  if (inst.isEnterpriseInstall) return null; // any workspace of the organisation
  if (actor.teamId !== inst.teamId) return 'foreign_team';
  if (actor.userTeamId !== null && actor.userTeamId !== inst.teamId) return 'foreign_user';
  return null;
}

function isOfInstallation(inst: Installation, teamId: string, enterpriseId: string | null): boolean {
  if (teamId === inst.teamId) return true;
  return inst.enterpriseId !== null && enterpriseId === inst.enterpriseId;
}

export function createAccessGuard(opts: AccessGuardOptions): AccessGuard {
  const listed = new Set(opts.policy.operators);
  const group = opts.policy.operatorGroup;
  let installation: Installation | null = null;

  const isOperator = async (userId: string): Promise<boolean> => {
    if (listed.has(userId)) return true;
    if (group !== undefined && group !== '' && (await opts.groupMembers(group)).has(userId)) return true;
    return opts.approvers.isApprover(userId);
  };

  const verdict = async (inst: Installation, actor: SlackActor): Promise<AccessVerdict> => {
    const payload = payloadRefusal(inst, actor);
    if (payload !== null) return { allowed: false, reason: payload };
    if (!(await isOperator(actor.userId))) return { allowed: false, reason: 'not_operator' };
    const facts = await opts.userFacts(actor.userId);
    if (facts.isInactive) return { allowed: false, reason: 'inactive' };
    if (facts.isGuest) return { allowed: false, reason: 'guest' };
    if (facts.isStranger || !isOfInstallation(inst, facts.teamId, facts.enterpriseId)) return { allowed: false, reason: 'foreign_user' };
    return { allowed: true };
  };

  return {
    setInstallation(inst) {
      installation = inst;
    },
    async checkOperator(actor) {
      let result: AccessVerdict;
      if (installation === null) result = { allowed: false, reason: 'not_installed' };
      else {
        try {
          result = await verdict(installation, actor);
        } catch (err) {
          opts.logger.error({ err, userId: actor.userId }, 'could not check who is asking; refusing');
          result = { allowed: false, reason: 'lookup_failed' };
        }
      }
      if (!result.allowed) {
        opts.metrics?.limitHits.inc({ limit: 'access' });
        opts.logger.info({ event: 'access_refused', userId: actor.userId, teamId: actor.teamId, enterpriseId: actor.enterpriseId, reason: result.reason }, 'refused a Slack user');
      }
      return result;
    },
  };
}
