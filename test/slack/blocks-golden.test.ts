import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { describe, expect, it } from 'vitest';
import { buildApprovalMessage } from '../../src/adapters/slack/blocks/approval-blocks.js';
import { toApprovalView } from '../../src/adapters/slack/blocks/approval-view.js';
import { buildDenyModal } from '../../src/adapters/slack/blocks/deny-modal.js';
import { buildIncidentMessage } from '../../src/adapters/slack/blocks/incident-blocks.js';
import { buildInspectOutcomeMessage } from '../../src/adapters/slack/blocks/inspect-outcome.js';
import {
  buildErrorMessage, buildHelpMessage, buildRateLimitMessage, buildUsageMessage,
} from '../../src/adapters/slack/blocks/simple-messages.js';
import type { RequestState } from '../../src/core/fix-request.js';
import type { IncidentEvent } from '../../src/ports.js';
import { expectGolden } from './golden.js';
import { slackLimitViolations } from './slack-limits-check.js';
import {
  disk, fixRequest, instanceId, liveLock, report, rootDisk, runSteps, stalePlan, staleLock, volumeDisk,
} from './samples.js';

function golden(name: string, message: { text?: string; blocks?: unknown[] }): void {
  expect(slackLimitViolations(message)).toEqual([]);
  expectGolden(name, message);
}

describe('report messages (golden)', () => {
  it('leads a stale report with the verdict, shows the plan and offers Request fix', () => {
    const r = report('stale', [disk(rootDisk, [staleLock()]), disk(volumeDisk, [])]);
    const msg = buildInspectOutcomeMessage({ kind: 'report', report: r, plan: stalePlan() });
    expect(msg.text).toBe('STALE: `vm-1`: 1 stale lock on 1 disk; compute-2 is down');
    golden('report-stale', msg);
  });

  it('offers Check again, not the fix, for an unknown verdict', () => {
    const unknown = { ...staleLock(), verdict: 'unknown' as const, evidence: ['no watcher has address 127.0.0.1:0/2293725923', 'nothing corroborates that the owner is dead yet'] };
    const r = report('unknown', [disk(rootDisk, [unknown])]);
    golden('report-unknown', buildInspectOutcomeMessage({ kind: 'report', report: r, plan: [] }));
  });

  it('shows live locks without any button', () => {
    golden('report-alive', buildInspectOutcomeMessage({ kind: 'report', report: report('alive', [disk(volumeDisk, [liveLock()])]), plan: [] }));
  });

  it('says an instance without locks is unlocked', () => {
    golden('report-unlocked', buildInspectOutcomeMessage({ kind: 'report', report: report('unlocked', [disk(rootDisk, [])]), plan: [] }));
  });

  it('says no instance has that name', () => {
    golden('not-found-name', buildInspectOutcomeMessage({ kind: 'not_found', ref: { kind: 'name', name: 'vm-404' } }));
  });

  it('says no instance has that UUID', () => {
    golden('not-found-uuid', buildInspectOutcomeMessage({ kind: 'not_found', ref: { kind: 'uuid', id: instanceId } }));
  });

  it('lists the candidates of an ambiguous name and asks for the UUID', () => {
    const candidates = [
      { id: instanceId, name: 'vm-1', host: 'compute-2', status: 'ACTIVE' },
      { id: instanceId.replace(/01$/, '02') as typeof instanceId, name: 'vm-1', host: null, status: 'SHELVED_OFFLOADED' },
    ];
    golden('ambiguous', buildInspectOutcomeMessage({ kind: 'ambiguous', ref: { kind: 'name', name: 'vm-1' }, candidates }));
  });
});

describe('approval message per state (golden)', () => {
  const base = fixRequest();
  const decided = { decidedBy: 'U02APPROVE', decidedAt: '2026-11-24T23:49:30.000Z' };
  const cases: Array<[RequestState, Parameters<typeof fixRequest>[0], number, boolean]> = [
    ['pending', {}, 0, false],
    ['approved', decided, 0, false],
    ['running', { ...decided, lastStep: 'break' }, 3, false],
    ['succeeded', { ...decided, lastStep: 'confirm', finishedAt: '2026-11-24T23:50:14.000Z', outcome: 'vms/0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e01_disk is locked by client.14401, which has a matching watcher' }, 6, false],
    ['failed', { ...decided, lastStep: 'break', finishedAt: '2026-11-24T23:50:06.000Z', outcome: 'rbd lock rm failed: (13) Permission denied' }, 3, true],
    ['aborted', { ...decided, lastStep: 'reinspect', finishedAt: '2026-11-24T23:50:01.000Z', outcome: 'lock auto 140479119252688 now has a watcher: its owner is alive' }, 1, false],
    ['interrupted', { ...decided, lastStep: 'break' }, 0, false],
    ['denied', { ...decided, denyReason: 'compute-2 is coming back; let Nova recover it' }, 0, false],
    ['expired', { finishedAt: '2026-11-25T00:03:00.000Z' }, 0, false],
  ];

  it.each(cases)('renders the %s state', (state, patch, steps, failLast) => {
    const request = { ...base, ...patch, state };
    const msg = buildApprovalMessage(toApprovalView(request, runSteps(request.id, steps, failLast)));
    const hasButtons = msg.blocks.some((b) => b.type === 'actions');
    // pending: Approve / Deny; interrupted at break: Request restart (the locks may be gone, the restart is not done)
    expect(hasButtons).toBe(state === 'pending' || state === 'interrupted');
    expect(JSON.stringify(msg.blocks).includes(ACTION_IDS.requestRestart)).toBe(state === 'interrupted');
    golden(`approval-${state}`, msg);
  });
});

describe('the restart left undone by an interrupted fix', () => {
  it('offers Request restart only when the run was interrupted after it reached the lock removal', () => {
    const decided = { decidedBy: 'U02APPROVE', decidedAt: '2026-11-24T23:49:30.000Z' };
    const buttons = (lastStep: 'fence' | 'wait') => JSON.stringify(buildApprovalMessage(toApprovalView({ ...fixRequest(), ...decided, state: 'interrupted', lastStep })).blocks);
    expect(buttons('wait')).toContain(ACTION_IDS.requestRestart);
    expect(buttons('fence')).not.toContain(ACTION_IDS.requestRestart);
  });
});

describe('incident channel events (golden)', () => {
  const decided = fixRequest({ state: 'running', decidedBy: 'U02APPROVE', decidedAt: '2026-11-24T23:49:30.000Z' });
  const events: IncidentEvent[] = [
    { kind: 'requested', request: fixRequest() },
    { kind: 'approved', request: decided },
    { kind: 'denied', request: fixRequest({ state: 'denied', decidedBy: 'U02APPROVE', denyReason: 'host is back' }) },
    { kind: 'expired', request: fixRequest({ state: 'expired', finishedAt: '2026-11-25T00:03:00.000Z' }) },
    { kind: 'step', request: decided, step: 'fence', status: 'ok', detail: 'blocklisted 127.0.0.1:0/2293725923', durationMs: 1240 },
    { kind: 'finished', request: { ...decided, state: 'succeeded', finishedAt: '2026-11-24T23:50:14.000Z', outcome: 'vm-1 is ACTIVE and RUNNING' }, steps: runSteps(decided.id, 6) },
    { kind: 'interrupted', request: { ...decided, state: 'interrupted', lastStep: 'break' } },
    { kind: 'brake', request: decided, count: 3, limit: 3, windowMs: 600_000 },
  ];

  it.each(events.map((e) => [e.kind, e] as const))('renders the %s event with the instance and the request id', (kind, event) => {
    const msg = buildIncidentMessage(event);
    expect(msg.text).toContain(event.request.id);
    expect(msg.text).toContain(event.request.instanceId);
    golden(`incident-${kind}`, msg);
  });
});

describe('short messages (golden)', () => {
  it('explains the commands in help', () => golden('help', buildHelpMessage()));
  it('answers bad input with the usage', () => golden('usage', buildUsageMessage('"vm-1; rm -rf /" is not a valid instance name')));
  it('says how many commands ran and when to retry', () => {
    const msg = buildRateLimitMessage(7_300, { count: 10, windowMs: 60_000 });
    expect(msg.text).toContain('You have run 10 commands in the last minute; try again in 8 s.');
    golden('rate-limit', msg);
  });
  it('gives a reference and says nothing changed on an unexpected error', () => {
    const msg = buildErrorMessage('check `vm-1`', '7f3a');
    expect(msg.text).toContain('Could not check `vm-1` (ref 7f3a). Nothing was changed.');
    golden('error', msg);
  });
  it('asks for the reason of a denial in a modal carrying the request id', () => golden('deny-modal', buildDenyModal('01JDX4M6Z1R7W9K2Q8T5V3N0PB')));
});
