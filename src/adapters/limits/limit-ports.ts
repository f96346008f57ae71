/**
 * Decorators that put the Ceph and Nova ports behind one shared limiter each (port-scheduler.ts). Wrap the real
 * adapters once in the composition root and hand the wrapped ports to every path (Slack, CLI, fix runs).
 */
import type { CephPort, NovaPort } from '../../ports.js';
import { createPortScheduler, type PortLimitOptions } from './port-scheduler.js';

/** Ceph: each call is an `rbd`/`ceph` process talking to the monitors; 4 at a time by default. */
export function limitCeph(port: CephPort, opts: PortLimitOptions): CephPort {
  const run = createPortScheduler('ceph', { ...opts, maxConcurrent: opts.maxConcurrent ?? 4 });
  return {
    listImages: (pool) => run(() => port.listImages(pool)),
    listLocks: (spec) => run(() => port.listLocks(spec)),
    listWatchers: (spec) => run(() => port.listWatchers(spec)),
    imageInfo: (spec) => run(() => port.imageInfo(spec)),
    removeLock: (spec, lockId, locker) => run(() => port.removeLock(spec, lockId, locker)),
    listBlocklist: () => run(() => port.listBlocklist()),
    addToBlocklist: (address) => run(() => port.addToBlocklist(address)),
    rebuildObjectMap: (spec) => run(() => port.rebuildObjectMap(spec)),
  };
}

/** Nova: each call is one HTTP request to the compute API; 8 at a time by default. */
export function limitNova(port: NovaPort, opts: PortLimitOptions): NovaPort {
  const run = createPortScheduler('nova', { ...opts, maxConcurrent: opts.maxConcurrent ?? 8 });
  return {
    resolveInstance: (ref) => run(() => port.resolveInstance(ref)),
    getServer: (id) => run(() => port.getServer(id)),
    getComputeService: (host) => run(() => port.getComputeService(host)),
    listServersOnHost: (host) => run(() => port.listServersOnHost(host)),
    listHypervisors: () => run(() => port.listHypervisors()),
    hardReboot: (id) => run(() => port.hardReboot(id)),
    // Not limited: waitForActive polls for up to minutes, mostly asleep between GETs. Scheduled as one job it
    // would hold a slot for its whole wait, and 8 concurrent fixes would block every inspection. The right
    // unit is each poll GET, but those happen inside the Nova adapter and NovaPort offers no hook to reach them.
    // The polls are few (one waiting fix per instance, bounded by the fix brake) and spaced by the adapter's backoff.
    waitForActive: (id, waitOpts) => port.waitForActive(id, waitOpts),
  };
}
