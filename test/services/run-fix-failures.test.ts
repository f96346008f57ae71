// A failure is reported at the step where it happened (issue 10, item 5): a store write that fails while a step is
// being recorded does not read "stopped at confirm", and a lock removal that fails after others succeeded leaves an
// outcome that lists what was removed.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHarness, lock, requestAndApprove, spec, staleInstance } from './support/fix-harness.js';

describe('where a run stopped', () => {
  it('reports a store failure while starting the fence step as stopped at fence, not at confirm', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.store.failWhen((w) => w.kind === 'update' && w.patch.lastStep === 'fence', new Error('SQLITE_IOERR: disk I/O error'));
    const end = await requestAndApprove(h, vm.id);

    expect(end.state).toBe('failed');
    expect(end.outcome).toContain('stopped at fence');
    expect(end.outcome).not.toContain('confirm');
    expect(end.outcome).toContain('SQLITE_IOERR');
    expect(h.ceph.mutations()).toEqual([]);
  });

  it('reports a store failure while recording a finished step at that step', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.store.failWhen((w) => w.kind === 'recordStep' && w.step.step === 'break' && w.step.status === 'ok', new Error('SQLITE_FULL: database or disk is full'));
    const end = await requestAndApprove(h, vm.id);

    expect(end.state).toBe('failed');
    expect(end.outcome).toContain('stopped at break');
    expect(end.outcome).toContain('SQLITE_FULL');
  });

  it('lists the locks already removed when a later removal fails', async () => {
    const h = createHarness();
    const volumeId = randomUUID();
    const vm = staleInstance(h, { volumeIds: [volumeId] });
    const volume = spec(`volumes/volume-${volumeId}`);
    const volumeLock = lock('auto 140000000000002', 'client.4101', vm.deadLock.address);
    h.ceph.addImage(volume, { locks: [volumeLock] });
    h.ceph.failNext('removeLock', new Error('rbd: releasing lock failed: (16) Device or resource busy'), (a) => a[0] === volume);
    const end = await requestAndApprove(h, vm.id);

    expect(end.state).toBe('failed');
    expect(end.outcome).toContain('stopped at break');
    expect(end.outcome).toContain(`removed ${vm.deadLock.id} (${vm.deadLock.locker}) from ${vm.root}`);
    expect(end.outcome).toContain('Device or resource busy');
    expect(h.ceph.image(vm.root).locks).toEqual([]);
  });
});
