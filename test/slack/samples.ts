/**
 * Sample domain values for the Slack tests. Ids, addresses, lock ids and cookies are those of the recorded lab
 * outputs (shared/reference/ceph/lock-ls-stale-2.json, status-live.json; nova/os-services-*compute-2-process-killed*).
 */
import type { FixStep } from '../../src/core/fix-plan-types.js';
import type { FixRequest } from '../../src/core/fix-request.js';
import {
  parseEntityAddr, parseImageSpec, parseInstanceId, parseLockId, parseLocker,
  type EntityAddr, type ImageSpec, type InstanceId, type LockId, type Locker,
} from '../../src/core/ids.js';
import type { Result } from '../../src/core/result.js';
import type { DiskReport, InstanceReport, LockAssessment } from '../../src/core/report.js';
import type { FixRunStep } from '../../src/ports.js';

function must<T>(r: Result<T, string>): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

export const instanceId: InstanceId = must(parseInstanceId('0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e01'));
export const volumeId = '5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f';
export const rootDisk: ImageSpec = must(parseImageSpec(`vms/${instanceId}_disk`));
export const volumeDisk: ImageSpec = must(parseImageSpec(`volumes/volume-${volumeId}`));
export const staleLockId: LockId = must(parseLockId('auto 140479119252688'));
export const staleLocker: Locker = must(parseLocker('client.14326'));
export const staleAddress: EntityAddr = must(parseEntityAddr('127.0.0.1:0/2293725923'));
export const liveLockId: LockId = must(parseLockId('auto 140634274927808'));
export const liveLocker: Locker = must(parseLocker('client.14188'));
export const liveAddress: EntityAddr = must(parseEntityAddr('127.0.0.1:0/340810806'));
export const observedAt = '2026-11-24T23:47:12.000Z';

export const staleEvidence = [
  'no watcher has address 127.0.0.1:0/2293725923',
  'compute-2 nova-compute is down since 2026-11-24T23:46:39Z',
];

export function staleLock(image: ImageSpec = rootDisk): LockAssessment {
  return {
    image,
    lock: { id: staleLockId, locker: staleLocker, address: staleAddress },
    verdict: 'stale',
    evidence: staleEvidence,
    corroborations: ['host_down'],
    isBlocklisted: false,
  };
}

export function liveLock(image: ImageSpec = volumeDisk): LockAssessment {
  return {
    image,
    lock: { id: liveLockId, locker: liveLocker, address: liveAddress },
    verdict: 'alive',
    evidence: ['watcher 127.0.0.1:0/340810806 (client.14188) holds the lock'],
    corroborations: [],
    isBlocklisted: false,
  };
}

export function disk(image: ImageSpec, locks: LockAssessment[], extra: Partial<DiskReport> = {}): DiskReport {
  const watchers = locks.filter((l) => l.verdict === 'alive').map((l) => ({ address: l.lock.address, client: l.lock.locker.slice('client.'.length), cookie: '140634274927808' }));
  return { image, role: image.startsWith('vms/') ? 'ephemeral' : 'volume', ...(image.startsWith('volumes/') ? { volumeId } : {}), locks, watchers, objectMapInvalid: false, ...extra };
}

export function report(verdict: InstanceReport['verdict'], disks: DiskReport[], extra: Partial<InstanceReport> = {}): InstanceReport {
  return {
    observedAt,
    verdict,
    evidence: verdict === 'stale' ? ['1 stale lock: its owner is gone and compute-2 is down'] : [],
    disks,
    instance: {
      id: instanceId,
      name: 'vm-1',
      status: 'ACTIVE',
      vmState: 'active',
      powerState: 1,
      taskState: null,
      host: 'compute-2',
      hostState: verdict === 'stale' ? 'down' : 'up',
      hostStatus: verdict === 'stale' ? 'DOWN' : 'UP',
      computeService: {
        host: 'compute-2',
        state: verdict === 'stale' ? 'down' : 'up',
        status: 'enabled',
        forcedDown: false,
        updatedAt: '2026-11-24T23:46:39Z',
        disabledReason: null,
      },
    },
    ...extra,
  };
}

export function stalePlan(): FixStep[] {
  return [
    { step: 'reinspect', description: 'Re-inspect: the stale locks must be exactly the approved ones' },
    { step: 'fence', description: `Blocklist the dead client ${staleAddress}`, address: staleAddress, argv: ['ceph', '--id', 'vmlocks', 'osd', 'blocklist', 'add', staleAddress] },
    { step: 'break', description: `Remove lock ${staleLockId} of ${rootDisk}`, image: rootDisk, lockId: staleLockId, locker: staleLocker, argv: ['rbd', '--id', 'vmlocks', 'lock', 'rm', rootDisk, staleLockId, staleLocker] },
    { step: 'reboot', description: 'Hard-reboot the instance', instanceId, request: { method: 'POST', path: `/servers/${instanceId}/action`, body: { reboot: { type: 'HARD' } } } },
    { step: 'wait', description: 'Wait for ACTIVE and power state RUNNING', instanceId, request: { method: 'GET', path: `/servers/${instanceId}` } },
    { step: 'confirm', description: 'Confirm the new lock owner has a matching watcher' },
  ];
}

export function fixRequest(patch: Partial<FixRequest> = {}): FixRequest {
  return {
    id: '01JDX4M6Z1R7W9K2Q8T5V3N0PB',
    instanceId,
    instanceName: 'vm-1',
    requestedBy: 'U01REQUEST',
    requestedAt: '2026-11-24T23:48:00.000Z',
    expiresAt: '2026-11-25T00:03:00.000Z',
    state: 'pending',
    approvedLocks: [{ image: rootDisk, id: staleLockId, locker: staleLocker, address: staleAddress }],
    plan: stalePlan(),
    evidence: staleEvidence,
    decidedBy: null,
    decidedAt: null,
    denyReason: null,
    approvalMessage: { channel: 'C0INCIDENT', ts: '1795996080.000100' },
    origin: { channel: 'C0ONCALL', user: 'U01REQUEST' },
    lastStep: null,
    finishedAt: null,
    outcome: null,
    ...patch,
  };
}

export function runSteps(requestId: string, upTo: number, failLast = false): FixRunStep[] {
  const names = stalePlan().map((s) => s.step).slice(0, upTo);
  return names.map((step, i) => {
    const startedAt = new Date(Date.parse('2026-11-24T23:50:00.000Z') + i * 2000).toISOString();
    const last = i === names.length - 1;
    const status = last && failLast ? 'failed' : 'ok';
    return {
      requestId, seq: i + 1, step, status,
      startedAt,
      finishedAt: new Date(Date.parse(startedAt) + 1200 + i * 100).toISOString(),
      detail: status === 'failed' ? 'rbd exited 13: (13) Permission denied' : '',
    };
  });
}
