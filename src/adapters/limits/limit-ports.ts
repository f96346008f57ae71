/**
 * Decorators that put the Ceph and Nova ports behind one shared limiter each (port-scheduler.ts). Wrap the real
 * adapters once in the composition root and hand the wrapped ports to every path (Slack, CLI, fix runs).
 */
import type { CephPort, NovaPort } from '../../ports.js';
import { createPortScheduler, PRIORITY, type PortLimitOptions, type Scheduled } from './port-scheduler.js';

function cephThrough(port: CephPort, run: Scheduled, priority: number): CephPort {
  return {
    listImages: (pool) => run(() => port.listImages(pool), priority),
    listLocks: (spec) => run(() => port.listLocks(spec), priority),
    listWatchers: (spec) => run(() => port.listWatchers(spec), priority),
    imageInfo: (spec) => run(() => port.imageInfo(spec), priority),
    removeLock: (spec, lockId, locker) => run(() => port.removeLock(spec, lockId, locker), priority),
    listBlocklist: () => run(() => port.listBlocklist(), priority),
    addToBlocklist: (address, expireSeconds) => run(() => port.addToBlocklist(address, expireSeconds), priority),
    rebuildObjectMap: (spec) => run(() => port.rebuildObjectMap(spec), priority),
  };
}

/** Ceph: each call is an `rbd`/`ceph` process talking to the monitors; 4 at a time by default. */
export function limitCeph(port: CephPort, opts: PortLimitOptions): CephPort {
  return limitCephByPriority(port, opts).diagnosis;
}

/**
 * One Ceph queue, two doors: `fix` for the calls of fix runs (re-inspection, fence, break, repair, confirm), which
 * go before every diagnosis waiting, and `diagnosis` for the rest. During a mass event the diagnoses fill the
 * queue; a fix that waited behind them would fence and break minutes after its re-inspection.
 */
export function limitCephByPriority(port: CephPort, opts: PortLimitOptions): { diagnosis: CephPort; fix: CephPort; hostScan: CephPort; queued(): number } {
  const run = createPortScheduler('ceph', { ...opts, maxConcurrent: opts.maxConcurrent ?? 4 });
  return {
    queued: run.queued,
    diagnosis: cephThrough(port, run, PRIORITY.diagnosis),
    fix: cephThrough(port, run, PRIORITY.fix),
    hostScan: cephThrough(port, run, PRIORITY.hostScan),
  };
}

/** Nova: each call is one HTTP request to the compute API; 8 at a time by default. */
export function limitNova(port: NovaPort, opts: PortLimitOptions): NovaPort {
  return limitNovaByPriority(port, opts).diagnosis;
}

/** One Nova queue, two doors: single diagnoses and fixes before the calls of host scans. */
export function limitNovaByPriority(port: NovaPort, opts: PortLimitOptions): { diagnosis: NovaPort; hostScan: NovaPort } {
  const run = createPortScheduler('nova', { ...opts, maxConcurrent: opts.maxConcurrent ?? 8 });
  return { diagnosis: novaThrough(port, run, PRIORITY.diagnosis), hostScan: novaThrough(port, run, PRIORITY.hostScan) };
}

function novaThrough(port: NovaPort, run: Scheduled, priority: number): NovaPort {
  return {
    resolveInstance: (ref) => run(() => port.resolveInstance(ref), priority),
    getServer: (id) => run(() => port.getServer(id), priority),
    getComputeService: (host) => run(() => port.getComputeService(host), priority),
    listServersOnHost: (host) => run(() => port.listServersOnHost(host), priority),
    listComputeServices: () => run(() => port.listComputeServices(), priority),
    listHypervisors: () => run(() => port.listHypervisors(), priority),
    hardReboot: (id) => run(() => port.hardReboot(id), priority),
    evacuate: (id) => run(() => port.evacuate(id), priority),
    listEvacuations: (id) => run(() => port.listEvacuations(id), priority),
    // Not limited: waitForActive polls for up to minutes, mostly asleep between GETs. Scheduled as one job it
    // would hold a slot for its whole wait, and 8 concurrent fixes would block every inspection. The right
    // unit is each poll GET, but those happen inside the Nova adapter and NovaPort offers no hook to reach them.
    // The polls are few (one waiting fix per instance, bounded by the fix brake) and spaced by the adapter's backoff.
    waitForActive: (id, waitOpts) => port.waitForActive(id, waitOpts),
    // the same for the evacuation's wait
    waitForEvacuation: (id, waitOpts) => port.waitForEvacuation(id, waitOpts),
  };
}
