import { describe, expect, it } from 'vitest';
import { advanceRun, decide, DENY_REASON_MAX, type RunEvent } from '../../src/core/approval.js';
import type { DecisionEvent, FixRequest, RequestState } from '../../src/core/fix-request.js';
import { must } from './support/fixtures.js';
import { parseInstanceId } from '../../src/core/ids.js';
import { userRef, type Sentence } from '../../src/core/sentence.js';

const REQUESTER = 'U0REQUESTER';
const APPROVER = 'U0APPROVER';
const BYSTANDER = 'U0BYSTANDER';
const REQUESTED_AT = '2026-11-24T23:50:00.000Z';
const EXPIRES_AT = '2026-11-25T00:05:00.000Z';
const BEFORE = '2026-11-25T00:04:59.999Z';

function request(patch: Partial<FixRequest> = {}): FixRequest {
  return {
    id: 'fx-0a1b2c3d4e', instanceId: must(parseInstanceId('5fbe441f-0b86-48ed-a816-c0622607bef7')), instanceName: 'vm-1',
    requestedBy: REQUESTER, requestedAt: REQUESTED_AT, expiresAt: EXPIRES_AT, state: 'pending',
    approvedLocks: [], plan: [], evidence: [], decidedBy: null, decidedAt: null, denyReason: null,
    approvalMessage: { channel: 'C0INCIDENT', ts: '1732492200.000100' }, origin: null, lastStep: null, finishedAt: null, outcome: null,
    ...patch,
  };
}

const approve = (userId: string, isAuthorised: boolean, at = BEFORE): DecisionEvent => ({ type: 'approve', userId, isAuthorised, at });
const deny = (userId: string, isAuthorised: boolean, reason: string, at = BEFORE): DecisionEvent => ({ type: 'deny', userId, isAuthorised, reason, at });

describe('decide: approve', () => {
  it('approves a pending request for an authorised second engineer before it expires', () => {
    expect(decide(request(), approve(APPROVER, true))).toEqual({
      ok: true, value: { state: 'approved', patch: { state: 'approved', decidedBy: APPROVER, decidedAt: BEFORE } },
    });
  });

  it.each([
    { name: 'from the requester, even an authorised one', event: approve(REQUESTER, true), code: 'self_approval', detail: 'You requested this fix; a second engineer must approve it.' },
    { name: 'from a user who is not an approver at click time', event: approve(BYSTANDER, false), code: 'not_authorised', detail: 'You are not an approver of vmlocks fixes (VMLOCKS_APPROVERS or VMLOCKS_APPROVER_GROUP); ask one of them.' },
    { name: 'at the expiry time', event: approve(APPROVER, true, EXPIRES_AT), code: 'expired', detail: 'This request expired at 00:05:00Z; ask for the fix again if it is still needed.' },
    { name: 'after the expiry time, even from the requester', event: approve(REQUESTER, true, '2026-11-25T01:00:00.000Z'), code: 'expired', detail: 'This request expired at 00:05:00Z; ask for the fix again if it is still needed.' },
  ])('refuses approval $name', ({ event, code, detail }) => {
    expect(decide(request(), event)).toEqual({ ok: false, error: { code, detail } });
  });

  it.each([
    { state: 'approved', decidedBy: APPROVER, detail: [userRef(APPROVER), ' already approved this request at 00:01:00Z.'] },
    { state: 'denied', decidedBy: APPROVER, detail: [userRef(APPROVER), ' already denied this request at 00:01:00Z.'] },
    { state: 'running', decidedBy: APPROVER, detail: [userRef(APPROVER), ' already approved this request at 00:01:00Z (it is running now).'] },
    { state: 'succeeded', decidedBy: APPROVER, detail: [userRef(APPROVER), ' already approved this request at 00:01:00Z (it is succeeded now).'] },
    { state: 'denied', decidedBy: 'system', detail: ['vmlocks already denied this request at 00:01:00Z.'] },
  ] satisfies Array<{ state: RequestState; decidedBy: string; detail: Sentence }>)(
    'refuses a second decision on a $state request, saying who decided and when',
    ({ state, decidedBy, detail }) => {
      const decided = request({ state, decidedBy, decidedAt: '2026-11-25T00:01:00.000Z' });
      expect(decide(decided, approve(BYSTANDER, true))).toEqual({ ok: false, error: { code: 'already_decided', detail } });
      expect(decide(decided, deny(BYSTANDER, true, 'no'))).toEqual({ ok: false, error: { code: 'already_decided', detail } });
    },
  );

  it('refuses approval of a request that has expired, as expired', () => {
    const expired = request({ state: 'expired', finishedAt: EXPIRES_AT });
    expect(decide(expired, approve(APPROVER, true))).toEqual({
      ok: false, error: { code: 'expired', detail: 'This request expired at 00:05:00Z without a decision; ask for the fix again if it is still needed.' },
    });
  });
});

describe('decide: deny', () => {
  it('records the reason and who denied when an approver denies', () => {
    expect(decide(request(), deny(APPROVER, true, '  the VM is being migrated  '))).toEqual({ ok: true, value: { state: 'denied', patch: {
      state: 'denied', decidedBy: APPROVER, decidedAt: BEFORE, denyReason: 'the VM is being migrated', finishedAt: BEFORE,
      outcome: 'denied: the VM is being migrated',
    } } });
  });

  it('lets the requester withdraw the request without being an approver', () => {
    const result = decide(request(), deny(REQUESTER, false, 'wrong instance'));
    expect(result.ok && result.value.patch).toMatchObject({ state: 'denied', decidedBy: REQUESTER, outcome: 'withdrawn by the requester: wrong instance' });
  });

  it.each([
    { name: 'from a user who is neither approver nor requester', event: deny(BYSTANDER, false, 'no'), code: 'not_authorised', detail: 'Only an approver or the requester can deny this fix.' },
    { name: 'without a reason', event: deny(APPROVER, true, '   '), code: 'invalid_reason', detail: 'Give a reason for the denial.' },
    { name: 'with a reason over 500 characters', event: deny(APPROVER, true, 'x'.repeat(DENY_REASON_MAX + 1)), code: 'invalid_reason', detail: 'The reason is 501 characters long; keep it under 501.' },
    { name: 'after the expiry time', event: deny(APPROVER, true, 'late', EXPIRES_AT), code: 'expired', detail: 'This request expired at 00:05:00Z; ask for the fix again if it is still needed.' },
  ])('refuses a denial $name', ({ event, code, detail }) => {
    expect(decide(request(), event)).toEqual({ ok: false, error: { code, detail } });
  });

  it('accepts a reason of exactly 500 characters', () => {
    expect(decide(request(), deny(APPROVER, true, 'x'.repeat(DENY_REASON_MAX))).ok).toBe(true);
  });
});

describe('decide: expire', () => {
  it('expires a pending request at its expiry time', () => {
    expect(decide(request(), { type: 'expire', at: EXPIRES_AT })).toEqual({ ok: true, value: { state: 'expired', patch: {
      state: 'expired', finishedAt: EXPIRES_AT, outcome: 'expired without a decision',
    } } });
  });

  it('does not expire a pending request before its time', () => {
    expect(decide(request(), { type: 'expire', at: BEFORE })).toEqual({ ok: false, error: { code: 'not_expired', detail: 'This request is pending until 00:05:00Z.' } });
  });

  it('does not expire a request that was decided', () => {
    const approved = request({ state: 'approved', decidedBy: APPROVER, decidedAt: BEFORE });
    const result = decide(approved, { type: 'expire', at: '2026-11-25T02:00:00.000Z' });
    expect(result.ok ? null : result.error.code).toBe('already_decided');
  });

  it('shows the date when the expiry is not on the day of the click', () => {
    const result = decide(request(), approve(APPROVER, true, '2026-11-26T09:00:00.000Z'));
    expect(result.ok ? null : result.error.detail).toBe('This request expired at 2026-11-25 00:05:00Z; ask for the fix again if it is still needed.');
  });
});

describe('advanceRun', () => {
  const ALLOWED: Array<[RequestState, RunEvent, RequestState]> = [
    ['approved', 'start', 'running'],
    ['running', 'succeed', 'succeeded'],
    ['running', 'fail', 'failed'],
    ['running', 'abort', 'aborted'],
    ['running', 'interrupt', 'interrupted'],
    ['approved', 'interrupt', 'interrupted'],
  ];
  const STATES: RequestState[] = ['pending', 'denied', 'expired', 'approved', 'running', 'succeeded', 'failed', 'aborted', 'interrupted'];
  const EVENTS: RunEvent[] = ['start', 'succeed', 'fail', 'abort', 'interrupt'];

  it.each(ALLOWED)('moves a %s request on %s to %s', (from, event, to) => {
    expect(advanceRun(from, event)).toEqual({ ok: true, value: to });
  });

  const refused = STATES.flatMap((s) => EVENTS.filter((e) => !ALLOWED.some(([f, ev]) => f === s && ev === e)).map((e) => [s, e] as const));
  it.each(refused)('refuses to move a %s request on %s', (from, event) => {
    const result = advanceRun(from, event);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.error).toMatch(new RegExp(`^a ${from} request cannot ${event} \\(only from `));
  });
});
