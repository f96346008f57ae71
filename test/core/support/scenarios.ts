/** The recorded situations the core's tests combine (see shared/reference/ceph/README.md, "Scenarios"). */
import type { InstanceReport, LockAssessment } from '../../../src/core/report.js';
import type { ComputeServiceView, NovaInstanceView } from '../../../src/core/snapshot.js';
import { defaultServer, locksFrom, serverFrom, serviceFrom, watchersFrom, type DiskInput } from './fixtures.js';

/** The dead owner after its watch expired: the lock is still there, nobody watches the image. */
export function expiredWatchDisk(): DiskInput {
  return { locks: locksFrom('lock-ls-stale-after-watch-timeout.json'), watchers: watchersFrom('status-after-watch-timeout.json') };
}

/** The seed case: the dead owner's lock, and a new client from the same IP watching the image. */
export function seedDisk(): DiskInput {
  return { locks: locksFrom('lock-ls-stale-after-watch-timeout.json'), watchers: watchersFrom('qemu-holder-status.json') };
}

/** A live writer holding the lock and watching the image. */
export function liveDisk(): DiskInput {
  return { locks: locksFrom('lock-ls-live.json'), watchers: watchersFrom('status-live.json') };
}

/** compute-2's nova-compute after its process was killed (down, not forced). */
export function killedCompute2(): ComputeServiceView {
  return serviceFrom('os-services-nova-compute-compute-2-process-killed.mv2.93.json', 'compute-2');
}

export function upCompute2(): ComputeServiceView {
  return serviceFrom('os-services-nova-compute.mv2.93.json', 'compute-2');
}

/** vm-2 on compute-1 after `openstack compute service set --down compute-1` (host_status DOWN, forced down). */
export function forcedDownVm2(): { server: NovaInstanceView; service: ComputeServiceView } {
  return {
    server: serverFrom('servers-detail-all_tenants-host-compute-1-after-force-down.mv2.93.json', 'vm-2'),
    service: serviceFrom('os-services-nova-compute-after-force-down.mv2.93.json', 'compute-1'),
  };
}

/** vm-1 as Nova shows a stopped server (no SHUTOFF server was recorded: the fields Nova sets on stop). */
export function shutOffVm1(): NovaInstanceView {
  return { ...defaultServer(), status: 'SHUTOFF', vmState: 'stopped', powerState: 4 };
}

/** The one lock of a report (throws otherwise, which fails the test). */
export function onlyLock(report: InstanceReport): LockAssessment {
  const locks = report.disks.flatMap((d) => d.locks);
  const [lock] = locks;
  if (locks.length !== 1 || lock === undefined) throw new Error(`expected one lock, the report has ${locks.length}`);
  return lock;
}
