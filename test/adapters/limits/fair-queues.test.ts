// The Ceph and Nova queues under host scans (issue 11): a single diagnosis goes before the calls of host scans, a
// full queue refuses diagnoses at once with when to retry (a fix's calls always queue), and one user runs one host
// scan at a time.
import { randomUUID } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { createHostScanGate } from '../../../src/adapters/limits/host-scan-gate.js';
import { limitCephByPriority, limitNovaByPriority } from '../../../src/adapters/limits/limit-ports.js';
import { QueueFullError } from '../../../src/adapters/limits/port-scheduler.js';
import { parseImageSpec, type ImageSpec } from '../../../src/core/ids.js';
import type { CephPort } from '../../../src/ports.js';
import { Tracker, countingCeph, countingNova } from './support/counting-ports.js';
import { metricValue, observe } from './support/observe.js';

function spec(): ImageSpec {
  const r = parseImageSpec(`vms/${randomUUID()}_disk`);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

/** A Ceph port that records the order in which calls start, each finishing when the test says. */
function orderedCeph(): { port: CephPort; order: string[]; finishOne(): void } {
  const order: string[] = [];
  const waiting: Array<() => void> = [];
  const track = <T>(label: string, value: T) => {
    order.push(label);
    return new Promise<T>((resolve) => waiting.push(() => resolve(value)));
  };
  const port: CephPort = {
    ...countingCeph(new Tracker()),
    listLocks: (s) => track(`locks ${s}`, []),
  };
  return { port, order, finishOne: () => waiting.shift()?.() };
}

describe('priorities in the Ceph queue', () => {
  it('starts a single diagnosis before the host-scan calls queued ahead of it, and a fix before both', async () => {
    const { metrics } = observe();
    const ceph = orderedCeph();
    const doors = limitCephByPriority(ceph.port, { maxConcurrent: 1, metrics });
    const scan = Array.from({ length: 10 }, () => spec());
    const [single, fix] = [spec(), spec()];
    const calls = scan.map((s) => doors.hostScan.listLocks(s));
    await vi.waitFor(() => expect(ceph.order).toHaveLength(1));
    calls.push(doors.diagnosis.listLocks(single), doors.fix.listLocks(fix));
    await new Promise((r) => setTimeout(r, 300)); // bottleneck queues a submitted call a few ticks later
    for (let i = 0; i < 12; i += 1) {
      ceph.finishOne();
      await vi.waitFor(() => expect(ceph.order.length).toBeGreaterThanOrEqual(Math.min(12, i + 2)));
    }
    await Promise.all(calls);
    expect(ceph.order.slice(0, 3)).toEqual([`locks ${scan[0]}`, `locks ${fix}`, `locks ${single}`]);
  });

  it('refuses a diagnosis at once when the queue is full, saying when to retry, but queues a fix', async () => {
    const { metrics } = observe();
    const tracker = new Tracker();
    const doors = limitCephByPriority(countingCeph(tracker), { maxConcurrent: 2, maxQueued: 3, metrics });
    const held = Array.from({ length: 5 }, () => doors.hostScan.listLocks(spec()));
    await vi.waitFor(() => expect(tracker.active).toBe(2));
    const refused = doors.diagnosis.listLocks(spec());
    await expect(refused).rejects.toBeInstanceOf(QueueFullError);
    await expect(refused).rejects.toMatchObject({ userMessage: expect.stringMatching(/^vmlocks is busy \(3 Ceph calls are waiting\); try again in \d+ s\./) });
    await expect(doors.hostScan.listLocks(spec())).rejects.toBeInstanceOf(QueueFullError);
    const fix = doors.fix.listLocks(spec());
    tracker.open();
    await Promise.all([...held, fix]);
    expect(tracker.finished).toBe(6);
    expect(await metricValue(metrics.limitHits, { limit: 'ceph_queue_full' })).toBe(2);
  });

  it('refuses Nova calls of a diagnosis too when the Nova queue is full', async () => {
    const { metrics } = observe();
    const tracker = new Tracker();
    const doors = limitNovaByPriority(countingNova(tracker, new Tracker()), { maxConcurrent: 1, maxQueued: 1, metrics });
    const held = [doors.hostScan.listHypervisors(), doors.hostScan.listHypervisors()];
    await vi.waitFor(() => expect(tracker.active).toBe(1));
    await expect(doors.diagnosis.listHypervisors()).rejects.toMatchObject({ system: 'nova', waiting: 1 });
    tracker.open();
    await Promise.all(held);
  });
});

describe('one host scan per user', () => {
  it('refuses a second scan of the same user while the first runs, naming it, and lets other users scan', () => {
    const gate = createHostScanGate();
    const first = gate.tryStart('U0ALICE001', 'compute-1');
    expect(first.started).toBe(true);
    expect(gate.tryStart('U0ALICE001', 'compute-2')).toEqual({ started: false, running: 'compute-1' });
    expect(gate.tryStart('U0BOB00002', 'compute-1').started).toBe(true);
    if (first.started) first.release();
    expect(gate.tryStart('U0ALICE001', 'compute-2').started).toBe(true);
  });
});
