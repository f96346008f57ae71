/**
 * analyseLocks(): the diagnosis of DESIGN.md §3 over one InspectionSnapshot. Pure: the same snapshot always
 * gives the same report. Safety rules: a matching watcher means alive whatever else is known; stale needs a
 * named corroboration; any source that failed makes every lock that is not alive `unknown`.
 */
import { say } from './evidence.js';
import { assessLock, type AnalysisContext } from './lock-assessment.js';
import type { DiskReport, HostState, InstanceReport, InstanceSummary, LockAssessment } from './report.js';
import type { InspectionSnapshot } from './snapshot.js';
import { hostStateOfService, hostStateSentence } from './host-state.js';

const OBJECT_MAP_INVALID_FLAGS = ['object map invalid', 'fast diff invalid'];

/** Failures that forbid `stale`, as sentences; `hidesLocks` when a lock may be missing from the report. */
function collectFailures(s: InspectionSnapshot): { sentences: string[]; hidesLocks: boolean } {
  const sentences: string[] = s.discoveryErrors.map(say.discoveryFailed);
  let hidesLocks = s.discoveryErrors.length > 0;
  for (const d of s.disks) {
    if (!d.locks.ok) { sentences.push(say.locksFailed(d.image, d.locks.error)); hidesLocks = true; }
    // Without the watchers nothing can be called alive or stale on this disk: treat it like a hidden lock.
    if (!d.watchers.ok) { sentences.push(say.watchersFailed(d.image, d.watchers.error)); hidesLocks = true; }
  }
  if (!s.blocklist.ok) sentences.push(say.blocklistFailed(s.blocklist.error));
  if (!s.computeService.ok) sentences.push(say.computeServiceFailed(s.instance.host, s.computeService.error));
  return { sentences, hidesLocks };
}

function hostStateOf(s: InspectionSnapshot): HostState {
  return s.instance.host === null ? 'unknown' : hostStateOfService(s.computeService);
}

function summarise(s: InspectionSnapshot): InstanceSummary {
  const i = s.instance;
  return {
    id: i.id, name: i.name, status: i.status, vmState: i.vmState, powerState: i.powerState, taskState: i.taskState,
    host: i.host, hostState: hostStateOf(s), hostStatus: i.hostStatus,
    computeService: s.computeService.ok ? s.computeService.value : null,
  };
}

function diskReport(d: InspectionSnapshot['disks'][number], ctx: AnalysisContext): DiskReport {
  const locks = d.locks.ok ? d.locks.value.map((l) => assessLock(d, l, ctx)) : [];
  const flags = d.info.ok ? d.info.value.flags.filter((f) => OBJECT_MAP_INVALID_FLAGS.includes(f)) : [];
  const errors = [
    ...(d.locks.ok ? [] : [say.locksFailed(d.image, d.locks.error)]),
    ...(d.watchers.ok ? [] : [say.watchersFailed(d.image, d.watchers.error)]),
    ...(d.info.ok ? [] : [say.infoFailed(d.image, d.info.error)]),
  ];
  return {
    image: d.image, role: d.role, ...(d.volumeId === undefined ? {} : { volumeId: d.volumeId }),
    locks, watchers: d.watchers.ok ? d.watchers.value : [], objectMapInvalid: flags.length > 0,
    ...(errors.length > 0 ? { error: errors.join(' ') } : {}),
  };
}

function verdictOf(locks: LockAssessment[], hidesLocks: boolean): InstanceReport['verdict'] {
  if (hidesLocks || locks.some((l) => l.verdict === 'unknown')) return 'unknown';
  if (locks.some((l) => l.verdict === 'stale')) return 'stale';
  return locks.length > 0 ? 'alive' : 'unlocked';
}

function describeLock(l: LockAssessment): string {
  return `${l.image} held by ${l.lock.locker} at ${l.lock.address}`;
}

function count(n: number, one: string): string {
  return `${n} ${one}${n === 1 ? '' : 's'}`;
}

function headline(r: Pick<InstanceReport, 'verdict' | 'disks'>, locks: LockAssessment[], name: string): string[] {
  const by = (v: LockAssessment['verdict']) => locks.filter((l) => l.verdict === v);
  switch (r.verdict) {
    case 'unlocked':
      return r.disks.length === 0
        ? [`no disk of ${name} was found in the pools (no <uuid>_* image, no attached volume)`]
        : [`no lock on ${count(r.disks.length, 'disk')}: ${r.disks.map((d) => d.image).join(', ')}`];
    case 'alive':
      return [`every lock is held by a connected client (${count(locks.length, 'lock')})`];
    case 'stale': {
      const alive = by('alive');
      const lines = [`${count(by('stale').length, 'stale lock')}: ${by('stale').map(describeLock).join('; ')}`];
      return alive.length > 0 ? [...lines, `${count(alive.length, 'alive lock')} left alone: ${alive.map(describeLock).join('; ')}`] : lines;
    }
    case 'unknown': {
      const unknown = by('unknown');
      return unknown.length > 0 ? [`${count(unknown.length, 'lock')} cannot be judged: ${unknown.map(describeLock).join('; ')}`] : [];
    }
  }
}

function hostSentence(s: InspectionSnapshot): string[] {
  if (s.instance.host === null) return [say.noHost(s.instance.name)];
  return hostStateSentence(s.instance.host, s.computeService, s.observedAt);
}

/** Diagnoses every lock of one instance. See DESIGN.md §3 for the rules. */
export function analyseLocks(snapshot: InspectionSnapshot): InstanceReport {
  const failures = collectFailures(snapshot);
  const ctx: AnalysisContext = {
    snapshot,
    failures: failures.sentences,
    watchers: snapshot.disks.flatMap((d) => (d.watchers.ok ? d.watchers.value.map((w) => ({ image: d.image, watcher: w })) : [])),
  };
  const disks = snapshot.disks.map((d) => diskReport(d, ctx));
  const locks = disks.flatMap((d) => d.locks);
  const verdict = verdictOf(locks, failures.hidesLocks);
  const objectMaps = disks.filter((d) => d.objectMapInvalid).map((d) => {
    const info = snapshot.disks.find((o) => o.image === d.image)?.info;
    return say.objectMapInvalid(d.image, info?.ok ? info.value.flags.filter((f) => OBJECT_MAP_INVALID_FLAGS.includes(f)) : []);
  });
  const infoFailures = snapshot.disks.flatMap((d) => (d.info.ok ? [] : [say.infoFailed(d.image, d.info.error)]));
  const evidence = [
    ...headline({ verdict, disks }, locks, snapshot.instance.name),
    ...failures.sentences, ...hostSentence(snapshot), ...objectMaps, ...infoFailures,
  ];
  return { observedAt: snapshot.observedAt, instance: summarise(snapshot), verdict, evidence, disks };
}
