import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { limitCeph, limitCephByPriority, limitNova } from '../../../src/adapters/limits/limit-ports.js';
import { parseImageSpec, parseInstanceId, parseLockId, parseLocker, type ImageSpec, type InstanceId } from '../../../src/core/ids.js';
import { Tracker, countingCeph, countingNova } from './support/counting-ports.js';
import { metricValue, observe } from './support/observe.js';

function spec(): ImageSpec {
  const r = parseImageSpec(`vms/${randomUUID()}_disk`);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function instanceId(): InstanceId {
  const r = parseInstanceId(randomUUID());
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

describe('Ceph port limiter', () => {
  it('never runs more than maxConcurrent calls at once, queues the rest and completes all 50', async () => {
    const { metrics } = observe();
    const tracker = new Tracker();
    const ceph = limitCeph(countingCeph(tracker), { maxConcurrent: 4, metrics });

    const calls = Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? ceph.listLocks(spec()) : ceph.listWatchers(spec())));
    await vi.waitFor(() => expect(tracker.active).toBe(4));
    expect(tracker.started).toBe(4);
    expect(await metricValue(metrics.queued, { limiter: 'ceph' })).toBe(46);
    expect(await metricValue(metrics.limitHits, { limit: 'ceph_queue' })).toBe(46);

    tracker.open();
    await Promise.all(calls);
    expect(tracker.finished).toBe(50);
    expect(tracker.peak).toBe(4);
    expect(await metricValue(metrics.queued, { limiter: 'ceph' })).toBe(0);
  });

  it('passes results and errors through unchanged', async () => {
    const { metrics } = observe();
    const tracker = new Tracker();
    const failure = new Error('rbd: lock rm failed: (16) Device or resource busy');
    tracker.failures.set('removeLock', failure);
    const ceph = limitCeph(countingCeph(tracker), { metrics });
    tracker.open();

    expect(await ceph.imageInfo(spec())).toEqual({ features: ['exclusive-lock'], flags: [] });
    const lockId = parseLockId('auto 139771353454720');
    const locker = parseLocker('client.4235');
    if (!lockId.ok || !locker.ok) throw new Error('bad test lock');
    await expect(ceph.removeLock(spec(), lockId.value, locker.value)).rejects.toBe(failure);
    // A failed call frees its slot: the limiter keeps working.
    expect(await ceph.listBlocklist()).toEqual([]);
  });
});

describe('fix calls before diagnoses', () => {
  it('runs a queued fix call before the diagnoses queued ahead of it', async () => {
    const { metrics } = observe();
    const order: string[] = [];
    let release = (): void => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const tracker = new Tracker();
    tracker.open();
    const inner = countingCeph(tracker);
    const port = {
      ...inner,
      listLocks: async (s: ImageSpec) => { order.push(`diagnosis ${s.slice(-6)}`); await gate; return inner.listLocks(s); },
      listWatchers: async (s: ImageSpec) => { order.push(`fix ${s.slice(-6)}`); return inner.listWatchers(s); },
    };
    const { diagnosis, fix, queued: waitingCalls } = limitCephByPriority(port, { maxConcurrent: 1, metrics });
    const first = diagnosis.listLocks(spec());
    await vi.waitFor(() => expect(order).toHaveLength(1));
    const queued = [diagnosis.listLocks(spec()), diagnosis.listLocks(spec()), fix.listWatchers(spec())];
    // bottleneck takes jobs in through an asynchronous submit lock: let all three reach its queue first
    await vi.waitFor(() => expect(waitingCalls()).toBe(3));
    release();
    await Promise.all([first, ...queued]);
    expect(order.map((o) => o.split(' ')[0])).toEqual(['diagnosis', 'fix', 'diagnosis', 'diagnosis']);
  });
});

describe('Nova port limiter', () => {
  it('never runs more than maxConcurrent requests at once and completes all 50', async () => {
    const { metrics } = observe();
    const tracker = new Tracker();
    const nova = limitNova(countingNova(tracker, new Tracker()), { maxConcurrent: 8, metrics });

    const calls = Array.from({ length: 50 }, () => nova.getServer(instanceId()));
    await vi.waitFor(() => expect(tracker.active).toBe(8));
    expect(await metricValue(metrics.limitHits, { limit: 'nova_queue' })).toBe(42);

    tracker.open();
    const servers = await Promise.all(calls);
    expect(servers).toHaveLength(50);
    expect(tracker.peak).toBe(8);
  });

  it('passes Nova errors through unchanged', async () => {
    const { metrics } = observe();
    const tracker = new Tracker();
    const failure = new Error('Nova 409: Cannot reboot while in task_state rebooting_hard');
    tracker.failures.set('hardReboot', failure);
    const nova = limitNova(countingNova(tracker, new Tracker()), { metrics });
    tracker.open();

    await expect(nova.hardReboot(instanceId())).rejects.toBe(failure);
  });

  it('does not let long waits for ACTIVE hold the request slots', async () => {
    const { metrics } = observe();
    const requests = new Tracker();
    const waits = new Tracker();
    const nova = limitNova(countingNova(requests, waits), { maxConcurrent: 2, metrics });
    requests.open();

    const pendingWaits = Array.from({ length: 5 }, () => nova.waitForActive(instanceId(), { timeoutMs: 600_000 }));
    await vi.waitFor(() => expect(waits.active).toBe(5));
    // Five waits are in progress and still the server can be read.
    expect(await nova.getServer(instanceId())).toMatchObject({ status: 'ACTIVE' });

    waits.open();
    await Promise.all(pendingWaits);
  });
});
