import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/adapters/observability/metrics.js';
import { createAccessGuard, type AccessGuard, type SlackActor } from '../../src/adapters/slack/access/access-guard.js';
import { createGroupMembers } from '../../src/adapters/slack/access/group-members.js';
import { readInstallation } from '../../src/adapters/slack/access/installation.js';
import { createUserFactsReader } from '../../src/adapters/slack/access/user-facts.js';
import { createApproverDirectory } from '../../src/adapters/slack/approver-directory.js';
import { FAKE_TEAM, startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { captureLogger, createMetrics, webClientOn, type CapturedLogger } from './helpers.js';

let fake: FakeSlackApi;
let log: CapturedLogger;
let metrics: Metrics;

const OPERATOR = 'U0OPERATOR';
const APPROVER = 'U0APPROVER';
const GROUPIE = 'U0GROUPIE1';

beforeEach(async () => {
  fake = await startFakeSlackApi({
    delayMs: 10,
    usergroups: { S0OPERATORS: [GROUPIE] },
    users: {
      U0GUEST001: { restricted: true }, U0GUEST002: { ultraRestricted: true }, U0OTHERORG: { teamId: 'T0ELSEWHERE' },
      U0STRANGER: { stranger: true }, U0GONE0001: { deleted: true }, U0NOBODY01: { missing: true },
    },
  });
  log = captureLogger();
  metrics = createMetrics();
});
afterEach(async () => fake.close());

async function guard(policy: { operators: string[]; operatorGroup?: string } = { operators: [OPERATOR], operatorGroup: 'S0OPERATORS' }): Promise<AccessGuard> {
  const client = webClientOn(fake, log.logger, metrics, 2000, 0);
  const groupMembers = createGroupMembers(client, metrics);
  const g = createAccessGuard({
    policy, groupMembers, userFacts: createUserFactsReader(client, { metrics }), logger: log.logger, metrics,
    approvers: createApproverDirectory({ client, approvers: [APPROVER], logger: log.logger, groupMembers }),
  });
  g.setInstallation(await readInstallation(client, metrics));
  return g;
}

function actor(userId: string, extra: Partial<SlackActor> = {}): SlackActor {
  return { userId, teamId: FAKE_TEAM.id, enterpriseId: null, userTeamId: null, ...extra };
}

describe('who may see and act', () => {
  it('admits a listed operator, a member of the operator group and an approver', async () => {
    const g = await guard();
    for (const user of [OPERATOR, GROUPIE, APPROVER]) expect(await g.checkOperator(actor(user))).toEqual({ allowed: true });
  });

  it('refuses a member of the workspace who is neither operator nor approver, without asking who they are', async () => {
    const g = await guard();
    expect(await g.checkOperator(actor('U0ANYBODY1'))).toEqual({ allowed: false, reason: 'not_operator' });
    expect(fake.callsTo('users.info')).toEqual([]);
  });

  it('makes the approvers the only operators when no operator is configured', async () => {
    const g = await guard({ operators: [] });
    expect(await g.checkOperator(actor(APPROVER))).toEqual({ allowed: true });
    expect(await g.checkOperator(actor(OPERATOR))).toEqual({ allowed: false, reason: 'not_operator' });
  });

  it.each([
    ['a multi-channel guest', 'U0GUEST001', 'guest'],
    ['a single-channel guest', 'U0GUEST002', 'guest'],
    ['a user of another workspace', 'U0OTHERORG', 'foreign_user'],
    ['a Slack Connect stranger', 'U0STRANGER', 'foreign_user'],
    ['a deactivated user', 'U0GONE0001', 'inactive'],
    ['a user Slack does not know', 'U0NOBODY01', 'lookup_failed'],
  ])('refuses %s even when listed as an operator', async (_what, user, reason) => {
    const g = await guard({ operators: [user] });
    expect(await g.checkOperator(actor(user))).toEqual({ allowed: false, reason });
  });

  it.each([
    ['another team', { teamId: 'T0FOREIGN1' }, 'foreign_team'],
    ['an enterprise while the installation has none', { enterpriseId: 'E0FOREIGN1' }, 'foreign_enterprise'],
    ['a user whose own team is another one', { userTeamId: 'T0FOREIGN1' }, 'foreign_user'],
  ])('refuses a payload of %s before asking Slack anything', async (_what, extra, reason) => {
    const g = await guard();
    const before = fake.calls.length;
    expect(await g.checkOperator(actor(OPERATOR, extra))).toEqual({ allowed: false, reason });
    expect(fake.calls.length).toBe(before);
  });

  it('refuses a payload of another enterprise on an Enterprise Grid installation, and admits its own', async () => {
    await fake.close();
    fake = await startFakeSlackApi({ delayMs: 10, enterpriseId: 'E0VMLOCKS1', users: { [OPERATOR]: { enterpriseId: 'E0VMLOCKS1' } } });
    const g = await guard();
    expect(await g.checkOperator(actor(OPERATOR, { enterpriseId: 'E0FOREIGN1' }))).toEqual({ allowed: false, reason: 'foreign_enterprise' });
    expect(await g.checkOperator(actor(OPERATOR))).toEqual({ allowed: false, reason: 'foreign_enterprise' });
    expect(await g.checkOperator(actor(OPERATOR, { enterpriseId: 'E0VMLOCKS1' }))).toEqual({ allowed: true });
  });

  it('refuses everyone until the installation is known', async () => {
    const client = webClientOn(fake, log.logger, metrics, 2000, 0);
    const g = createAccessGuard({
      policy: { operators: [OPERATOR] }, groupMembers: createGroupMembers(client), userFacts: createUserFactsReader(client),
      approvers: { isApprover: async () => false }, logger: log.logger,
    });
    expect(await g.checkOperator(actor(OPERATOR))).toEqual({ allowed: false, reason: 'not_installed' });
  });

  it('reads the operator group at use time: a member removed a moment ago is refused', async () => {
    const g = await guard();
    expect(await g.checkOperator(actor(GROUPIE))).toEqual({ allowed: true });
    fake.setUsergroup('S0OPERATORS', []);
    expect(await g.checkOperator(actor(GROUPIE))).toEqual({ allowed: false, reason: 'not_operator' });
  });

  it('refuses when Slack cannot say who is in the operator group (fail closed)', async () => {
    const g = await guard();
    fake.failNext('usergroups.users.list', 'ratelimited', 2);
    expect(await g.checkOperator(actor(GROUPIE))).toEqual({ allowed: false, reason: 'lookup_failed' });
  });
});
