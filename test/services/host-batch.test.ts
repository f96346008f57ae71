/**
 * The host batch services (request → approve → run) over in-memory fakes of the ports (support/fake-cloud.ts)
 * and the real SQLite store in memory: each instance fixed once through the per-instance runner, no per-instance
 * Slack posts, skips and pauses said with their reason, the cap, and one run for many approvals.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openSqliteStore, type SqliteStore } from '../../src/adapters/store/index.js';
import { createLogger } from '../../src/adapters/observability/logger.js';
import { planBatch } from '../../src/core/host-batch.js';
import type { HostBatch } from '../../src/core/host-batch.js';
import type { InstanceId } from '../../src/core/ids.js';
import { ok } from '../../src/core/result.js';
import { createBatchWorkflow } from '../../src/services/batch-workflow.js';
import { requestFix } from '../../src/services/request-fix.js';
import type { HostOutcome } from '../../src/services/types.js';
import { FakeCloud, RecordingNotifiers, fakeInstance } from './support/fake-cloud.js';
import { plainSentence } from '../../src/core/sentence.js';

const REQUESTER = 'U0REQUESTER';
const APPROVER = 'U0APPROVER';

describe('a host batch', () => {
  let store: SqliteStore;
  let slack: RecordingNotifiers;
  beforeEach(() => {
    store = openSqliteStore({ path: ':memory:' });
    slack = new RecordingNotifiers();
  });
  afterEach(async () => { await store.close(); });

  function workflow(cloud: FakeCloud, opts: { max?: number; concurrency?: number } = {}) {
    const clock = { now: () => new Date() };
    const inspectHost = async (host: string): Promise<HostOutcome> => {
      const results = await Promise.all([...cloud.instances.values()].map(async (i) => {
        const report = await cloud.inspectById(i.id);
        if (report === null) throw new Error('gone');
        return { id: i.id, name: i.name, status: 'ACTIVE', report: ok(report) };
      }));
      return { kind: 'host_report', summary: {} as never, batch: planBatch(host, results, opts.max ?? 50) };
    };
    return createBatchWorkflow({
      store, audit: store, notifier: slack.notifier, batchNotifier: slack.batchNotifier, clock, logger: createLogger({ level: 'silent' }),
      approvers: { isApprover: async (u) => u !== 'U0OUTSIDER' }, brake: { window: () => ({ windowMs: 600_000, limit: 1_000 }), refuse: (count) => ({ count, limit: 1_000, windowMs: 600_000, message: 'brake' }) },
      ceph: cloud.ceph, nova: cloud.nova, approvalTtlMs: 15 * 60_000, rebootTimeoutMs: 1000, lease: { runnerId: `batch-${process.pid}`, leaseMs: 30_000 },
      inspectById: (id: InstanceId) => cloud.inspectById(id), batchConcurrency: opts.concurrency ?? 4, inspectHost, renewEveryMs: 50,
    });
  }

  async function requestAndApprove(cloud: FakeCloud, opts: { concurrency?: number } = {}): Promise<HostBatch> {
    const wf = workflow(cloud, opts);
    const requested = await wf.requestBatch({ host: 'compute-1', requestedBy: REQUESTER, origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    const approved = await wf.decide({ batchId: requested.value.id, userId: APPROVER, decision: 'approve' });
    expect(approved.ok).toBe(true);
    await wf.idle();
    const batch = await store.getBatch(requested.value.id);
    if (!batch) throw new Error('batch gone');
    return batch;
  }

  it('fixes every stale instance once through its own fix request, leaves the live one alone, posts one summary and no per-instance steps', async () => {
    const cloud = new FakeCloud([...[1, 2, 3, 4, 5, 6].map((n) => fakeInstance(n)), fakeInstance(7, { ownerAlive: true })]);
    const batch = await requestAndApprove(cloud);

    expect(batch.state).toBe('finished');
    expect(batch.items.map((i) => i.status)).toEqual(Array(6).fill('done'));
    expect(batch.excluded.map((e) => e.instanceName)).toEqual(['vm-07']);
    expect(cloud.removed.sort()).toEqual([...cloud.instances.values()].filter((i) => !i.ownerAlive).map((i) => i.image).sort());
    expect(cloud.reboots.sort()).toEqual(batch.items.map((i) => i.instanceId).sort());
    expect(cloud.instances.get(fakeInstance(7).id)?.lock).not.toBeNull();
    // each item ran as a fix request of its own, now closed: the one-open-fix guard was held and released
    for (const item of batch.items) expect((await store.get(item.requestId ?? ''))?.state).toBe('succeeded');
    expect(slack.events).toEqual([]);
    expect(slack.batchPosts).toHaveLength(1);
    expect(slack.batchEvents.map((e) => e.kind)).toEqual(['summary']);
    expect(slack.batchUpdates.at(-1)?.state).toBe('finished');
    // a batch does not consume the per-window fix brake (README "The brake and batches")
    expect(await store.countRunsStartedSince('1970-01-01T00:00:00.000Z')).toBe(0);
    const actions = (await store.list({ requestId: batch.id })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['batch_request', 'batch_approve', 'batch_item', 'batch_finish']));
  });

  it('skips, with the reason, an instance whose locks changed since the request and one already under a single fix', async () => {
    const cloud = new FakeCloud([1, 2, 3].map((n) => fakeInstance(n)));
    const wf = workflow(cloud);
    const requested = await wf.requestBatch({ host: 'compute-1', requestedBy: REQUESTER, origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    // after the request: vm-01's lock is replaced by a new owner's, and someone requests a single fix of vm-02
    const one = cloud.instances.get(fakeInstance(1).id);
    if (one?.lock) one.lock = { ...one.lock, id: 'auto 999' as never };
    const single = await requestFix({ store, audit: store, notifier: slack.notifier, clock: { now: () => new Date() }, logger: createLogger({ level: 'silent' }), approvalTtlMs: 60_000, inspectById: (id) => cloud.inspectById(id) },
      { instanceId: fakeInstance(2).id, requestedBy: 'U0OTHER', origin: null });
    expect(single.ok).toBe(true);

    expect((await wf.decide({ batchId: requested.value.id, userId: APPROVER, decision: 'approve' })).ok).toBe(true);
    await wf.idle();
    const batch = await store.getBatch(requested.value.id);
    const byName = Object.fromEntries((batch?.items ?? []).map((i) => [i.instanceName, i]));
    expect(byName['vm-01']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/changed since the request/) });
    expect(byName['vm-02']).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/already under fix request .* not fixed twice/) });
    expect(byName['vm-03']?.status).toBe('done');
    expect(cloud.removed).toEqual([fakeInstance(3).image]);
  });

  it('pauses after three failures in a row and lists what was not started', async () => {
    const cloud = new FakeCloud([1, 2, 3, 4, 5].map((n) => fakeInstance(n)));
    cloud.failLockRm = () => true;
    const batch = await requestAndApprove(cloud, { concurrency: 1 });
    expect(batch.state).toBe('paused');
    expect(batch.items.map((i) => i.status)).toEqual(['failed', 'failed', 'failed', 'pending', 'pending']);
    expect(batch.outcome).toMatch(/paused: 3 instances failed in a row.*2 not started \(vm-04, vm-05\)/);
    expect(cloud.reboots).toEqual([]);
    expect(slack.batchEvents.map((e) => e.kind)).toEqual(['summary']);
  });

  it('pauses at once when Ceph or Nova cannot be read (a systemic failure)', async () => {
    const cloud = new FakeCloud([1, 2, 3].map((n) => fakeInstance(n)));
    const wf = workflow(cloud, { concurrency: 1 });
    const requested = await wf.requestBatch({ host: 'compute-1', requestedBy: REQUESTER, origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    cloud.failInspect = () => true;
    await wf.decide({ batchId: requested.value.id, userId: APPROVER, decision: 'approve' });
    await wf.idle();
    const batch = await store.getBatch(requested.value.id);
    expect(batch?.state).toBe('paused');
    expect(batch?.items.map((i) => i.status)).toEqual(['failed', 'pending', 'pending']);
    expect(batch?.outcome).toMatch(/Ceph or Nova could not be read/);
    expect(cloud.removed).toEqual([]);
  });

  it('refuses a batch over VMLOCKS_BATCH_MAX as a whole, saying to split or raise the cap, and records nothing', async () => {
    const cloud = new FakeCloud([1, 2, 3].map((n) => fakeInstance(n)));
    const result = await workflow(cloud, { max: 2 }).requestBatch({ host: 'compute-1', requestedBy: REQUESTER, origin: null });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('over_cap');
    expect(result.error.detail).toMatch(/3 stale instances, more than VMLOCKS_BATCH_MAX \(2\).*Nothing was requested.*one by one.*raise VMLOCKS_BATCH_MAX/);
    expect(await store.findOpenBatch('compute-1')).toBeNull();
    expect(slack.batchPosts).toEqual([]);
  });

  it('applies the approval rules of single fixes: no self-approval, authorised approvers only, one open batch per host', async () => {
    const cloud = new FakeCloud([1, 2].map((n) => fakeInstance(n)));
    const wf = workflow(cloud);
    const requested = await wf.requestBatch({ host: 'compute-1', requestedBy: REQUESTER, origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    const self = await wf.decide({ batchId: requested.value.id, userId: REQUESTER, decision: 'approve' });
    expect(self.ok ? null : self.error.code).toBe('self_approval');
    const outsider = await wf.decide({ batchId: requested.value.id, userId: 'U0OUTSIDER', decision: 'approve' });
    expect(outsider.ok ? null : outsider.error.code).toBe('not_authorised');
    const again = await wf.requestBatch({ host: 'compute-1', requestedBy: 'U0OTHER', origin: null });
    expect(again.ok ? null : again.error.code).toBe('already_open');
    expect((await store.getBatch(requested.value.id))?.state).toBe('pending');
    expect(cloud.removed).toEqual([]);
  });

  it('gives one batch run for 20 simultaneous approvals', async () => {
    const cloud = new FakeCloud([1, 2, 3].map((n) => fakeInstance(n)));
    const wf = workflow(cloud);
    const requested = await wf.requestBatch({ host: 'compute-1', requestedBy: REQUESTER, origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => wf.decide({ batchId: requested.value.id, userId: `U0APPROVER${i}`, decision: 'approve' })));
    await wf.idle();
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.error.code === 'already_decided')).toBe(true);
    expect(cloud.removed).toHaveLength(3);
    expect(cloud.reboots).toHaveLength(3);
  });
});
