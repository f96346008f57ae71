// The run does what the approved plan says and nothing else (issue 10, items 1 and 6): over in-memory Ceph and Nova,
// a stale root disk beside an attached volume whose owner is alive and whose object map is invalid.
import { plainSentence } from '../../src/core/sentence.js';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createHarness, lock, requestAndApprove, spec, staleInstance, stepDetail, stepsOf } from './support/fix-harness.js';

function withLiveVolume() {
  const h = createHarness();
  const volumeId = randomUUID();
  const vm = staleInstance(h, { volumeIds: [volumeId] });
  const volume = spec(`volumes/volume-${volumeId}`);
  const liveLock = lock('auto 140000000000777', 'client.5000', '10.0.0.2:0/2222');
  h.ceph.addImage(volume, {
    locks: [liveLock],
    watchers: [{ address: liveLock.address, client: '5000', cookie: '140000000000777' }],
    flags: ['object map invalid', 'fast diff invalid'],
  });
  return { h, vm, volume, liveLock };
}

describe('the run repairs only what the plan repairs', () => {
  it('never rebuilds the object map of a disk whose lock is alive, even when that object map is invalid', async () => {
    const { h, vm, volume, liveLock } = withLiveVolume();
    const end = await requestAndApprove(h, vm.id);

    expect(end.state).toBe('succeeded');
    expect(end.plan.filter((s) => s.step === 'repair')).toEqual([]);
    expect(h.ceph.mutations().filter((m) => m.includes(volume))).toEqual([]);
    expect(h.ceph.image(volume)).toEqual({
      locks: [liveLock], watchers: [{ address: liveLock.address, client: '5000', cookie: '140000000000777' }],
      flags: ['object map invalid', 'fast diff invalid'],
    });
    expect(h.store.audit.filter((e) => e.command?.argv.includes(volume))).toEqual([]);
    expect(stepDetail(h, end.id, 'repair')).not.toContain('rebuilt');
  });

  it('rebuilds the planned disk and only it', async () => {
    const { h, vm, volume } = withLiveVolume();
    h.ceph.image(vm.root).flags = ['object map invalid'];
    const end = await requestAndApprove(h, vm.id);

    expect(end.state).toBe('succeeded');
    expect(end.plan.filter((s) => s.step === 'repair').map((s) => ('image' in s ? s.image : null))).toEqual([vm.root]);
    expect(h.ceph.mutations().filter((m) => m.startsWith('rebuild'))).toEqual([`rebuild ${vm.root}`]);
    expect(h.ceph.image(volume).flags).toEqual(['object map invalid', 'fast diff invalid']);
    expect(stepDetail(h, end.id, 'repair')).toContain(`rebuilt the object map of ${vm.root}`);
  });
});

describe('an unchecked object map is not a clean one', () => {
  it('says the repair step could not check the object map when rbd info fails during the run', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    const requested = await h.workflow.requestFix({ instanceId: vm.id, requestedBy: 'U0ALICE001', origin: null });
    if (!requested.ok) throw new Error(plainSentence(requested.error.detail));
    h.ceph.failAlways('imageInfo', new Error('rbd: error opening image: (110) Connection timed out'), (a) => a[0] === vm.root);
    await h.workflow.decide({ requestId: requested.value.id, userId: 'U0BOB00002', decision: 'approve' });
    await h.workflow.idle();

    const detail = stepDetail(h, requested.value.id, 'repair');
    expect(detail).toContain(`could not check the object map of ${vm.root}`);
    expect(detail).toContain('Connection timed out');
    expect(detail).not.toContain('no object map is flagged invalid');
    expect(stepsOf(h, requested.value.id)).toContain('repair:skipped');
  });
});
