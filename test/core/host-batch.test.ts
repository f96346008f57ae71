import { describe, expect, it } from 'vitest';
import { decideBatch, pauseReason } from '../../src/core/batch-approval.js';
import { checkBatchCap, countItems, planBatch, type HostBatch } from '../../src/core/host-batch.js';
import { hostJson } from '../../src/core/host-json.js';
import { err, ok } from '../../src/core/result.js';
import { plainSentence } from '../../src/core/sentence.js';
import { disk, instanceId, liveLock, report, rootDisk, staleLock } from '../slack/samples.js';

const at = '2026-12-04T10:00:00.000Z';

function batch(patch: Partial<HostBatch> = {}): HostBatch {
  return {
    id: 'hb-1', host: 'compute-1', requestedBy: 'U0REQ', requestedAt: at, expiresAt: '2026-12-04T10:15:00.000Z', state: 'pending',
    items: [], excluded: [], decidedBy: null, decidedAt: null, denyReason: null, approvalMessage: null, origin: null,
    finishedAt: null, outcome: null, runnerId: null, heartbeatAt: null, ...patch,
  };
}

describe('the batch plan of a host', () => {
  const stale = report('stale', [disk(rootDisk, [staleLock()])]);
  const candidates = [
    { id: instanceId, name: 'vm-1', report: ok(stale) },
    { id: instanceId, name: 'db-1', report: ok(report('alive', [disk(rootDisk, [liveLock(rootDisk)])])) },
    { id: instanceId, name: 'odd-1', report: ok(report('unknown', [disk(rootDisk, [])], { evidence: ['Nova could not be asked'] })) },
    { id: instanceId, name: 'broken', report: err('rbd: timed out') },
  ];

  it('includes only stale instances, each with its own plan and approved locks; the others are listed with why', () => {
    const plan = planBatch('compute-1', candidates, 50);
    expect(plan.instances).toHaveLength(1);
    expect(plan.instances[0]?.approvedLocks).toEqual([{ image: rootDisk, id: staleLock().lock.id, locker: staleLock().lock.locker, address: staleLock().lock.address }]);
    expect(plan.instances[0]?.plan.map((s) => s.step)).toEqual(expect.arrayContaining(['reinspect', 'fence', 'break', 'confirm']));
    expect(plan.skipped.map((s) => [s.instanceName, s.verdict])).toEqual([['db-1', 'alive'], ['odd-1', 'unknown'], ['broken', 'error']]);
    expect(plan.skipped[1]?.reason).toBe('unknown, not stale: Nova could not be asked');
    expect(plan.max).toBe(50);
  });

  it('refuses a batch over the cap, or an empty one, with a sentence saying what to do', () => {
    expect(checkBatchCap(planBatch('compute-1', candidates, 1)).ok).toBe(true);
    const over = checkBatchCap(planBatch('compute-1', [candidates[0], candidates[0]].filter((c) => c !== undefined), 1));
    expect(over).toEqual(err(expect.stringContaining('2 stale instances, more than VMLOCKS_BATCH_MAX (1)')));
    expect(over.ok ? '' : over.error).toMatch(/Split the host.*raise VMLOCKS_BATCH_MAX/);
    expect(checkBatchCap(planBatch('compute-1', candidates.slice(1), 5))).toEqual(err('compute-1 has no stale instance: nothing to fix.'));
  });
});

describe('the approval of a batch (the rules of a single fix)', () => {
  it('starts the run on a second, authorised person\'s approval', () => {
    expect(decideBatch(batch(), { type: 'approve', userId: 'U0APP', isAuthorised: true, at })).toEqual(ok({ state: 'running', patch: { decidedBy: 'U0APP', decidedAt: at } }));
  });

  it('refuses the requester, an unauthorised user, an expired or already decided batch', () => {
    const code = (r: ReturnType<typeof decideBatch>) => (r.ok ? 'ok' : r.error.code);
    expect(code(decideBatch(batch(), { type: 'approve', userId: 'U0REQ', isAuthorised: true, at }))).toBe('self_approval');
    expect(code(decideBatch(batch(), { type: 'approve', userId: 'U0X', isAuthorised: false, at }))).toBe('not_authorised');
    expect(code(decideBatch(batch(), { type: 'approve', userId: 'U0APP', isAuthorised: true, at: '2026-12-04T10:15:00.000Z' }))).toBe('expired');
    const running = decideBatch(batch({ state: 'running', decidedBy: 'U0FIRST', decidedAt: at }), { type: 'approve', userId: 'U0APP', isAuthorised: true, at });
    expect(running.ok ? '' : plainSentence(running.error.detail)).toMatch(/@U0FIRST already approved this batch request/);
  });

  it('denies with a reason and expires when due', () => {
    expect(decideBatch(batch(), { type: 'deny', userId: 'U0APP', isAuthorised: true, reason: 'host is back', at })).toMatchObject(ok({ state: 'denied', patch: { denyReason: 'host is back' } }));
    expect(decideBatch(batch(), { type: 'expire', at: '2026-12-04T10:16:00.000Z' })).toMatchObject(ok({ state: 'expired' }));
  });
});

describe('when a batch pauses', () => {
  it('pauses at a systemic failure, or after three failures in a row; a success resets the count', () => {
    const f = { status: 'failed' as const, systemic: false };
    const d = { status: 'done' as const, systemic: false };
    expect(pauseReason([f, f, d, f, f])).toBeNull();
    expect(pauseReason([d, f, f, f])).toBe('3 instances failed in a row');
    expect(pauseReason([d, { status: 'failed', systemic: true }])).toMatch(/Ceph or Nova could not be read/);
  });

  it('counts items by status', () => {
    const item = (status: 'pending' | 'done' | 'skipped') => ({ instanceId, instanceName: 'x', approvedLocks: [], plan: [], evidence: [], status, reason: null, requestId: null });
    expect(countItems([item('done'), item('done'), item('skipped'), item('pending')])).toEqual({ total: 4, pending: 1, running: 0, done: 2, failed: 0, skipped: 1 });
  });
});

describe('vmlocks host --json', () => {
  it('adds the batch plan: the stale instances with their locks and plans, the others skipped with why, and the cap', () => {
    const plan = planBatch('compute-1', [
      { id: instanceId, name: 'vm-1', report: ok(report('stale', [disk(rootDisk, [staleLock()])])) },
      { id: instanceId, name: 'db-1', report: ok(report('alive', [disk(rootDisk, [liveLock(rootDisk)])])) },
    ], 1);
    const json = hostJson({ host: 'compute-1' } as never, plan);
    expect(json.batch).toMatchObject({
      max: 1, overCap: false,
      instances: [{ id: instanceId, name: 'vm-1', locks: [{ image: rootDisk }], plan: expect.arrayContaining([{ step: 'break', argv: expect.arrayContaining(['lock', 'rm']) }]) }],
      skipped: [{ id: instanceId, name: 'db-1', verdict: 'alive' }],
    });
  });
});
