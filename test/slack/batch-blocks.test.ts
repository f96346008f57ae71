/**
 * The host batch's Slack messages: the approval message (count in the confirm dialog, every tenant string escaped),
 * the thread with every instance's planned steps within Slack's limits, the summary, and the host view's button.
 */
import { describe, expect, it } from 'vitest';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { buildBatchApprovalMessage } from '../../src/adapters/slack/blocks/batch-approval-blocks.js';
import { buildBatchIncidentMessage } from '../../src/adapters/slack/blocks/batch-messages.js';
import { buildBatchPlanThread } from '../../src/adapters/slack/blocks/batch-plan-thread.js';
import { buildBatchRequestButton } from '../../src/adapters/slack/blocks/host-blocks.js';
import type { BatchItem, HostBatch } from '../../src/core/host-batch.js';
import { parseInstanceId, type InstanceId } from '../../src/core/ids.js';
import { expectGolden } from './golden.js';
import { slackLimitViolations } from './slack-limits-check.js';
import { rootDisk, stalePlan, staleAddress, staleLock } from './samples.js';

function id(n: number): InstanceId {
  const r = parseInstanceId(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function item(n: number, patch: Partial<BatchItem> = {}): BatchItem {
  return {
    instanceId: id(n), instanceName: `vm-${n}`, approvedLocks: [{ image: rootDisk, id: staleLock().lock.id, locker: staleLock().lock.locker, address: staleAddress }],
    plan: stalePlan(), evidence: ['no watcher'], status: 'pending', reason: null, requestId: null, ...patch,
  };
}

function batch(items: BatchItem[], patch: Partial<HostBatch> = {}): HostBatch {
  return {
    id: 'hb-0123456789', host: 'compute-1', requestedBy: 'U0REQUESTER', requestedAt: '2026-12-04T10:00:00.000Z', expiresAt: '2026-12-04T10:15:00.000Z',
    state: 'pending', items, excluded: [{ instanceId: id(900), instanceName: 'db-1', verdict: 'alive', reason: 'alive, not stale: watcher is the owner' }],
    decidedBy: null, decidedAt: null, denyReason: null, approvalMessage: { channel: 'C0INCIDENT', ts: '1.000001' }, origin: null,
    finishedAt: null, outcome: null, runnerId: null, heartbeatAt: null, ...patch,
  };
}

describe('the host batch messages', () => {
  it('asks for approval with the count in the confirm dialog and a Deny button (golden)', () => {
    const msg = buildBatchApprovalMessage(batch([1, 2, 3, 4, 5, 6].map((n) => item(n))));
    expect(slackLimitViolations(msg)).toEqual([]);
    const actions = msg.blocks.find((b) => b.type === 'actions');
    const [approve, deny] = actions && 'elements' in actions ? actions.elements : [];
    expect(approve && 'confirm' in approve ? approve.confirm?.title?.text : '').toBe('Fix 6 instances on compute-1?');
    expect(approve && 'action_id' in approve ? approve.action_id : '').toBe(ACTION_IDS.approveBatch);
    expect(deny && 'action_id' in deny ? deny.action_id : '').toBe(ACTION_IDS.denyBatch);
    expectGolden('batch-approval-pending', msg);
  });

  it('escapes tenant strings: a VM named <!channel> pings nobody', () => {
    const evil = batch([item(1, { instanceName: '<!channel> *bold* <http://x|y>', status: 'failed', reason: '<!here> rbd said <b>' })], { state: 'running', decidedBy: 'U0APPROVER' });
    const text = JSON.stringify([buildBatchApprovalMessage(evil), buildBatchIncidentMessage({ kind: 'summary', batch: { ...evil, state: 'finished' } }), buildBatchPlanThread(evil)]);
    expect(text).not.toMatch(/<!channel>|<!here>|<http:/);
    expect(text).toContain('&lt;!channel&gt;');
  });

  it('shows progress in place: done / failed / skipped / remaining', () => {
    const running = batch([item(1, { status: 'done' }), item(2, { status: 'failed', reason: 'rbd timed out' }), item(3, { status: 'skipped', reason: 'changed' }), item(4, { status: 'running' }), item(5)], { state: 'running', decidedBy: 'U0APPROVER' });
    const msg = buildBatchApprovalMessage(running);
    expect(msg.text).toContain('1 fixed, 1 failed, 1 skipped, 2 remaining');
    expect(msg.blocks.some((b) => b.type === 'actions')).toBe(false);
  });

  it('splits the per-instance plans of 50 instances into thread replies within Slack\'s limits', () => {
    const replies = buildBatchPlanThread(batch(Array.from({ length: 50 }, (_, n) => item(n))));
    expect(replies.length).toBeGreaterThan(1);
    for (const r of replies) expect(slackLimitViolations(r)).toEqual([]);
    expect(replies.flatMap((r) => r.blocks)).toHaveLength(50);
  });

  it('the host view button names the count and warns when the cap would refuse it', () => {
    const b = buildBatchRequestButton('compute-1', 6, 50);
    expect(b?.elements[0]).toMatchObject({ action_id: ACTION_IDS.requestBatch, value: JSON.stringify({ host: 'compute-1' }), text: { text: 'Request fix for all 6 stale' } });
    expect(JSON.stringify(buildBatchRequestButton('compute-1', 60, 50))).toContain('more than VMLOCKS_BATCH_MAX (50)');
    expect(buildBatchRequestButton('compute-1', 0, 50)).toBeNull();
  });
});
