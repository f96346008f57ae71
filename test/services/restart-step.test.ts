// The restart of a fix run (restart-step.ts) over in-memory ports: chosen again from the host's state right
// before, never a reboot into a dead host or during an evacuation, Nova's refusals and failures reported at
// their step, and the way out said when there is no restart.
import { describe, expect, it } from 'vitest';
import { NovaApiError } from '../../src/adapters/openstack/index.js';
import { addr, createHarness, requestAndApprove, staleInstance, stepDetail, stepsOf, type Harness } from './support/fix-harness.js';

function httpAudit(h: Harness, requestId: string) {
  return h.store.audit.filter((e) => e.requestId === requestId).flatMap((e) => (e.http ? [e.http] : []));
}

describe('the restart of a fix run', () => {
  it('evacuates an instance whose host is down, follows it to the new host and never reboots it', async () => {
    const h = createHarness();
    const vm = staleInstance(h); // compute-1 down
    const end = await requestAndApprove(h, vm.id);
    expect(end.plan.map((s) => s.step)).toEqual(['reinspect', 'fence', 'break', 'evacuate', 'wait', 'confirm']);
    expect(end.state).toBe('succeeded');
    expect(stepsOf(h, end.id)).toEqual(['reinspect:ok', 'fence:ok', 'break:ok', 'repair:skipped', 'evacuate:ok', 'wait:ok', 'confirm:ok']);
    expect(h.nova.evacuations).toEqual([vm.id]);
    expect(h.nova.reboots).toEqual([]);
    expect(end.outcome).toMatch(/unlocked and web-01 evacuated from compute-1 to compute-2 in /);
    expect(stepDetail(h, end.id, 'wait')).toMatch(/^evacuated: migration 101 done, ACTIVE and running on compute-2/);
    expect(httpAudit(h, end.id)).toEqual([expect.objectContaining({ method: 'POST', path: `/servers/${vm.id}/action`, status: 200, body: { evacuate: {} } })]);
    // every lock was fenced and removed before the evacuation was sent
    expect(h.ceph.images.get(vm.root)?.locks).toEqual([]);
  });

  it('evacuates instead of rebooting when the host went down after the plan', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.nova.setService('compute-1', 'up');
    h.ceph.before('removeLock', () => h.nova.setService('compute-1', 'down'));
    const end = await requestAndApprove(h, vm.id);
    expect(end.plan.map((s) => s.step)).toContain('reboot');
    expect(end.state).toBe('succeeded');
    expect(h.nova.reboots).toEqual([]);
    expect(stepDetail(h, end.id, 'evacuate')).toMatch(/compute-1 went down after the plan: evacuating instead of rebooting/);
  });

  it('reboots instead of evacuating when the host came back after the plan and no evacuation was accepted', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.ceph.before('removeLock', () => h.nova.setService('compute-1', 'up'));
    const end = await requestAndApprove(h, vm.id);
    expect(end.plan.map((s) => s.step)).toContain('evacuate');
    expect(stepsOf(h, end.id)).toContain('reboot:ok');
    expect(h.nova.reboots).toEqual([vm.id]);
    expect(h.nova.evacuations).toEqual([]);
    expect(stepDetail(h, end.id, 'reboot')).toMatch(/came back after the plan: rebooting instead of evacuating/);
  });

  it('does not hard-reboot an instance with an evacuation under way, even on a live host', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.ceph.before('removeLock', () => {
      h.nova.setService('compute-1', 'up');
      h.nova.migrations.set(vm.id, [{ id: 7, status: 'accepted', sourceCompute: 'compute-1', destCompute: null, createdAt: '2026-12-04T10:00:00Z' }]);
    });
    const end = await requestAndApprove(h, vm.id);
    expect(end).toMatchObject({ state: 'failed', lastStep: 'reboot' });
    expect(h.nova.reboots).toEqual([]);
    expect(end.outcome).toMatch(/evacuation of web-01 from compute-1 in status accepted \(migration 7\): vmlocks does not hard-reboot an instance that is being evacuated/);
  });

  it('stops at the evacuation with Nova\'s way out when Nova refuses it (409), and reboots nothing', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.nova.evacuateRefusal = new NovaApiError({
      method: 'POST', path: `/servers/${vm.id}/action`, code: 'http_status', status: 409, requestId: 'req-409', apiMessage: 'refused',
      userMessage: `the way out: openstack server set --state error ${vm.id}, then openstack server evacuate ${vm.id}`,
    });
    const end = await requestAndApprove(h, vm.id);
    expect(end).toMatchObject({ state: 'failed', lastStep: 'evacuate' });
    expect(end.outcome).toContain(`openstack server set --state error ${vm.id}, then openstack server evacuate ${vm.id}`);
    expect(end.outcome).toMatch(/Done: reinspect, fence, break/);
    expect(h.nova.reboots).toEqual([]);
    expect(h.store.audit.filter((e) => e.requestId === end.id).some((e) => e.action === 'error' && e.detail.startsWith('evacuate failed: the way out'))).toBe(true);
  });

  it('stops at the wait when the evacuation record ends in error, and says not to reboot', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.nova.evacuationEnds = 'error';
    const end = await requestAndApprove(h, vm.id);
    expect(end).toMatchObject({ state: 'failed', lastStep: 'wait' });
    expect(end.outcome).toMatch(/evacuation of web-01 ended error \(migration 101\).*do not hard-reboot it while compute-1 is down/);
    expect(h.nova.reboots).toEqual([]);
  });

  it('does not restart when the host is unknown by restart time, and the outcome says what to do', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.ceph.before('removeLock', () => { h.nova.services.delete('compute-1'); });
    const end = await requestAndApprove(h, vm.id);
    expect(end.state).toBe('succeeded');
    expect(stepsOf(h, end.id)).toContain('evacuate:skipped');
    expect(end.outcome).toMatch(/web-01 not restarted \(Nova's view of compute-1 is unknown.*openstack compute service list/);
    expect([...h.nova.reboots, ...h.nova.evacuations]).toEqual([]);
  });

  it('does not evacuate when a client watches a disk by restart time (the VM may still run on the dead host)', async () => {
    const h = createHarness();
    const vm = staleInstance(h);
    h.ceph.before('removeLock', () => {
      const img = h.ceph.images.get(vm.root);
      img?.watchers.push({ address: addr('10.0.0.1:0/2222'), client: '4200', cookie: '140000000000002' });
    });
    const end = await requestAndApprove(h, vm.id);
    expect(end.state).toBe('succeeded');
    expect(h.nova.evacuations).toEqual([]);
    expect(end.outcome).toMatch(/not restarted \(compute-1 is down in Nova, but client\.4200 at 10\.0\.0\.1:0\/2222 still watches vms\/.*second copy/);
  });
});
