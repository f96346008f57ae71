import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Metrics } from '../../src/adapters/observability/metrics.js';
import { createApproverDirectory } from '../../src/adapters/slack/approver-directory.js';
import type { ApproverDirectory } from '../../src/ports.js';
import { startFakeSlackApi, type FakeSlackApi } from '../support/fake-slack-api.js';
import { captureLogger, createMetrics, webClientOn, type CapturedLogger } from './helpers.js';

let fake: FakeSlackApi;
let log: CapturedLogger;
let metrics: Metrics;

beforeEach(async () => {
  fake = await startFakeSlackApi({ usergroups: { S0ONCALL: ['U03MEMBER', 'U04MEMBER'] } });
  log = captureLogger();
  metrics = createMetrics();
});
afterEach(async () => fake.close());

function directory(group?: string): ApproverDirectory {
  return createApproverDirectory({ client: webClientOn(fake, log.logger, metrics, 2000, 0), approvers: ['U02APPROVE'], ...(group ? { group } : {}), logger: log.logger, metrics });
}

describe('approver directory', () => {
  it('authorises a listed user without asking Slack', async () => {
    expect(await directory('S0ONCALL').isApprover('U02APPROVE')).toBe(true);
    expect(fake.calls).toHaveLength(0);
  });

  it('authorises a member of the approver group, asking Slack at click time', async () => {
    const d = directory('S0ONCALL');
    expect(await d.isApprover('U03MEMBER')).toBe(true);
    expect(fake.callsTo('usergroups.users.list')[0]?.args.usergroup).toBe('S0ONCALL');
    fake.setUsergroup('S0ONCALL', ['U04MEMBER']);
    expect(await d.isApprover('U03MEMBER')).toBe(false);
  });

  it('refuses someone neither listed nor in the group', async () => {
    expect(await directory('S0ONCALL').isApprover('U09OUTSIDE')).toBe(false);
  });

  it('refuses everyone not listed when no group is configured', async () => {
    expect(await directory().isApprover('U03MEMBER')).toBe(false);
    expect(fake.calls).toHaveLength(0);
  });

  it.each([
    ['an ok:false answer', (f: FakeSlackApi) => f.failNext('usergroups.users.list', 'missing_scope')],
    ['an HTTP 500', (f: FakeSlackApi) => f.failHttpNext('usergroups.users.list', 500)],
  ])('refuses (never allows) when Slack fails with %s, and logs it', async (_what, fail) => {
    fail(fake);
    expect(await directory('S0ONCALL').isApprover('U03MEMBER')).toBe(false);
    expect(log.lines.some((l) => l.level === 50 && l.userId === 'U03MEMBER' && l.group === 'S0ONCALL')).toBe(true);
  });

  it('shares one lookup between concurrent clicks', async () => {
    const d = directory('S0ONCALL');
    const answers = await Promise.all(['U03MEMBER', 'U04MEMBER', 'U09OUTSIDE', 'U03MEMBER'].map((u) => d.isApprover(u)));
    expect(answers).toEqual([true, true, false, true]);
    expect(fake.callsTo('usergroups.users.list')).toHaveLength(1);
  });
});
