import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACTION_IDS, DENY_MODAL_CALLBACK_ID, DENY_REASON_ACTION_ID, DENY_REASON_BLOCK_ID } from '../../src/adapters/slack/action-ids.js';
import { encodeInstanceButtonValue, encodeRequestButtonValue } from '../../src/adapters/slack/button-values.js';
import { blockActionPayload, sendTogether, viewSubmissionPayload } from '../support/sign-slack-request.js';
import { startHarness, type Harness } from './app-harness.js';
import { waitForLog } from './helpers.js';
import { disk, fixRequest, instanceId, report, rootDisk } from './samples.js';
import { sentence, userRef } from '../../src/core/sentence.js';

let h: Harness;
beforeEach(async () => { h = await startHarness({ viewAckDeadlineMs: 1500 }); });
afterEach(async () => {
  await h.close();
  // Every failure must be handled by a handler: nothing may reach Bolt's error handler.
  expect(h.log.lines.filter((l) => l.msg === 'unhandled error in a Slack listener' || l.component === 'bolt' && Number(l.level) >= 50)).toEqual([]);
});

const requestId = fixRequest().id;

function click(actionId: string, value: string, responseId: string, extra: Partial<Parameters<typeof blockActionPayload>[0]> = {}) {
  return h.interaction(blockActionPayload({ actionId, value, responseUrl: h.fake.responseUrl(responseId), ...extra }));
}

describe('Check again', () => {
  it('inspects the instance again by UUID and replaces the report', async () => {
    h.inspect.answer = async () => ({ kind: 'report', report: report('alive', [disk(rootDisk, [])]), plan: [] });
    const res = await h.send(click(ACTION_IDS.checkAgain, encodeInstanceButtonValue(instanceId), 'again', { userId: 'U01REQUEST' }));
    expect(res.status).toBe(200);
    const post = await h.fake.waitForResponse((r) => r.id === 'again');
    expect(post.body.replace_original).toBe(true);
    expect(h.inspect.calls).toEqual([{ ref: { kind: 'uuid', id: instanceId }, actor: 'U01REQUEST' }]);
  });
});

describe('Request fix', () => {
  it('asks the workflow and tells the requester where the approval request went, with a link', async () => {
    // The approval message exists in Slack (the workflow posted it through the Notifier).
    const posted = await (await fetch(`${h.fake.apiUrl}chat.postMessage`, {
      method: 'POST', headers: { Authorization: 'Bearer xoxb-test-token', 'Content-Type': 'application/json' },
      body: JSON.stringify({ channel: 'C0INCIDENT', text: 'approval' }), signal: AbortSignal.timeout(5000),
    })).json() as { ts: string };
    h.fixes.onRequest = async () => ({ ok: true, value: fixRequest({ approvalMessage: { channel: 'C0INCIDENT', ts: posted.ts } }) });
    await h.send(click(ACTION_IDS.requestFix, encodeInstanceButtonValue(instanceId), 'request', { userId: 'U01REQUEST', channelId: 'C0ONCALL' }));
    const post = await h.fake.waitForResponse((r) => r.id === 'request');
    expect(h.fixes.requestCalls).toEqual([{ instanceId, requestedBy: 'U01REQUEST', origin: { channel: 'C0ONCALL', user: 'U01REQUEST' } }]);
    expect(post.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(String(post.body.text)).toContain(`<#C0INCIDENT> (<https://vmlocks-test.slack.com/archives/C0INCIDENT/p${posted.ts.replace('.', '')}|open it>)`);
  });

  it('points at the open request when one already exists', async () => {
    const existing = fixRequest({ approvalMessage: { channel: 'C0INCIDENT', ts: '1.000001' } });
    h.fixes.onRequest = async () => ({ ok: false, error: { code: 'already_open', detail: sentence`Asked by ${userRef('U07OTHER')}. Follow that one.`, existing } });
    await h.send(click(ACTION_IDS.requestFix, encodeInstanceButtonValue(instanceId), 'open', { userId: 'U01REQUEST' }));
    const post = await h.fake.waitForResponse((r) => r.id === 'open');
    expect(String(post.body.text)).toContain(`already open: request \`${existing.id}\` (\`pending\`) in <#C0INCIDENT>`);
    expect(String(post.body.text)).toContain('Asked by <@U07OTHER>.');
  });

  it('ignores a click whose value is not what vmlocks wrote', async () => {
    await h.send(click(ACTION_IDS.requestFix, '{"instanceId":"$(reboot)"}', 'forged-value'));
    const post = await h.fake.waitForResponse((r) => r.id === 'forged-value');
    expect(String(post.body.text)).toContain('could not read this click');
    expect(h.fixes.requestCalls).toEqual([]);
  });
});

describe('Approve', () => {
  it('needs no answer when the workflow accepts the approval', async () => {
    h.fixes.onDecide = async () => ({ ok: true, value: fixRequest({ state: 'approved' }) });
    const res = await h.send(click(ACTION_IDS.approveFix, encodeRequestButtonValue(requestId), 'approve', { isEphemeral: true }));
    expect(res.status).toBe(200);
    await waitForLog(h.log, (l) => l.msg === 'fix approved');
    expect(h.fixes.decideCalls).toEqual([{ requestId, userId: 'U02APPROVE', decision: 'approve' }]);
    expect(h.fake.responses.filter((r) => r.id === 'approve')).toEqual([]);
  });

  it('answers a refusal to the clicker only, leaving the approval message as it is', async () => {
    h.fixes.onDecide = async () => ({ ok: false, error: { code: 'self_approval', detail: 'You requested this fix; another engineer must approve it.' } });
    await h.send(click(ACTION_IDS.approveFix, encodeRequestButtonValue(requestId), 'self', { userId: 'U01REQUEST' }));
    const post = await h.fake.waitForResponse((r) => r.id === 'self');
    expect(post.body).toMatchObject({ response_type: 'ephemeral', replace_original: false, text: ':raised_hand: You requested this fix; another engineer must approve it.' });
  });

  it('answers a failure of the workflow with a reference, to the clicker only', async () => {
    h.fixes.onDecide = async () => { throw new Error('database is locked'); };
    await h.send(click(ACTION_IDS.approveFix, encodeRequestButtonValue(requestId), 'broken'));
    const post = await h.fake.waitForResponse((r) => r.id === 'broken');
    expect(post.body).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    const ref = /\(ref ([0-9a-f]{4})\)/.exec(String(post.body.text))?.[1];
    expect(post.body.text).toBe(`:x: Could not approve fix \`${requestId}\` (ref ${ref}). Nothing was changed.`);
  });

  it('gives each of two clicks at the same instant its own answer', async () => {
    let decided = false;
    h.fixes.onDecide = async (input) => {
      if (decided) return { ok: false, error: { code: 'already_decided', detail: `Already approved.` } };
      decided = true;
      return { ok: true, value: fixRequest({ state: 'approved', decidedBy: input.userId }) };
    };
    const value = encodeRequestButtonValue(requestId);
    const answers = await sendTogether([
      click(ACTION_IDS.approveFix, value, 'twice-a', { userId: 'U02APPROVE' }),
      click(ACTION_IDS.approveFix, value, 'twice-b', { userId: 'U03MEMBER' }),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    const refusal = await h.fake.waitForResponse((r) => r.id.startsWith('twice-'));
    expect(refusal.body.text).toBe(':raised_hand: Already approved.');
    expect(h.fixes.decideCalls).toHaveLength(2);
  });
});

describe('Deny', () => {
  it('opens a modal for the reason with the click\'s trigger id and the request id', async () => {
    await h.send(click(ACTION_IDS.denyFix, encodeRequestButtonValue(requestId), 'deny', { triggerId: '123.456.abc' }));
    const open = await h.fake.waitForCall((c) => c.method === 'views.open');
    expect(open.args.trigger_id).toBe('123.456.abc');
    expect(open.args.view).toMatchObject({ callback_id: DENY_MODAL_CALLBACK_ID, private_metadata: JSON.stringify({ requestId }) });
    expect(h.fixes.decideCalls).toEqual([]);
  });

  const submit = (reason: string | null) => h.interaction(viewSubmissionPayload({
    callbackId: DENY_MODAL_CALLBACK_ID,
    privateMetadata: encodeRequestButtonValue(requestId),
    values: { [DENY_REASON_BLOCK_ID]: { [DENY_REASON_ACTION_ID]: { type: 'plain_text_input', value: reason } } },
  }));

  it('records the denial with its reason and closes the modal', async () => {
    h.fixes.onDecide = async () => ({ ok: true, value: fixRequest({ state: 'denied' }) });
    const res = await h.send(submit('  compute-2 is back  '));
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(h.fixes.decideCalls).toEqual([{ requestId, userId: 'U02APPROVE', decision: 'deny', reason: 'compute-2 is back' }]);
  });

  it('shows a refusal in the modal', async () => {
    h.fixes.onDecide = async () => ({ ok: false, error: { code: 'not_authorised', detail: 'Only approvers may deny.' } });
    const res = await h.send(submit('no'));
    expect(JSON.parse(res.body)).toMatchObject({ response_action: 'update' });
    expect(res.body).toContain('Only approvers may deny.');
  });

  it('shows a failure of the workflow in the modal with a reference', async () => {
    h.fixes.onDecide = async () => { throw new Error('database is locked'); };
    const res = await h.send(submit('host is back'));
    expect(JSON.parse(res.body)).toMatchObject({ response_action: 'update' });
    expect(res.body).toMatch(/Could not deny fix `[^`]+` \(ref [0-9a-f]{4}\)\. Nothing was changed\./);
    expect(h.log.lines.some((l) => l.kind === 'deny_submit' && l.level === 50)).toBe(true);
  });

  it('closes the modal and sends the refusal by DM when the decision is slow', async () => {
    h.fixes.onDecide = async () => {
      await new Promise((r) => setTimeout(r, 2500));
      return { ok: false, error: { code: 'expired', detail: 'The request expired.' } };
    };
    const res = await h.send(submit('late'));
    expect(res.body).toBe('');
    const dm = await h.fake.waitForCall((c) => c.method === 'chat.postMessage', 8000);
    expect(dm.args.channel).toBe('D02APPROVE');
    expect(String(dm.args.text)).toContain('The request expired.');
  });

  it('asks for a reason when it is blank, without deciding', async () => {
    const res = await h.send(submit('   '));
    expect(JSON.parse(res.body)).toEqual({ response_action: 'errors', errors: { [DENY_REASON_BLOCK_ID]: 'Say why the fix is denied.' } });
    expect(h.fixes.decideCalls).toEqual([]);
  });
});
