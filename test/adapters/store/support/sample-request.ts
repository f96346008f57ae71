/** Builds valid FixRequests for store tests: a fresh instance and request id each time, unless told otherwise. */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EntityAddr, ImageSpec, InstanceId, LockId, Locker } from '../../../../src/core/ids.js';
import type { FixRequest } from '../../../../src/core/fix-request.js';
import type { Clock } from '../../../../src/ports.js';

export function sampleRequest(overrides: Partial<FixRequest> = {}): FixRequest {
  const instanceId = (overrides.instanceId ?? randomUUID()) as InstanceId;
  const image = `vms/${instanceId}_disk` as ImageSpec;
  const address = '10.240.201.139:0/2318786000' as EntityAddr;
  return {
    id: randomUUID(),
    instanceId,
    instanceName: 'web-01',
    requestedBy: 'U0REQUESTER',
    requestedAt: '2025-03-01T02:20:00.000Z',
    expiresAt: '2025-03-01T02:35:00.000Z',
    state: 'pending',
    approvedLocks: [{ image, id: 'auto 139771353454720', locker: 'client.4235', address }],
    plan: [
      { step: 'reinspect', description: 'Check the locks are still the approved ones and still stale' },
      { step: 'fence', description: 'Blocklist the dead owner', address, argv: ['ceph', 'osd', 'blocklist', 'add', address] },
      {
        step: 'break', description: 'Remove the stale lock', image, lockId: 'auto 139771353454720' as LockId, locker: 'client.4235' as Locker,
        argv: ['rbd', 'lock', 'rm', image, 'auto 139771353454720', 'client.4235'],
      },
      { step: 'reboot', description: 'Hard reboot', instanceId, request: { method: 'POST', path: `/servers/${instanceId}/action`, body: { reboot: { type: 'HARD' } } } },
      { step: 'confirm', description: 'Check the new lock owner has a watcher' },
    ],
    evidence: ['no watcher has address 10.240.201.139:0/2318786000', 'compute-1 nova-compute is down since 02:14:07Z'],
    decidedBy: null,
    decidedAt: null,
    denyReason: null,
    approvalMessage: { channel: 'C0INCIDENT', ts: '1740795600.000100' },
    origin: { channel: 'C0ORIGIN', user: 'U0REQUESTER' },
    lastStep: null,
    finishedAt: null,
    outcome: null,
    runnerId: null,
    heartbeatAt: null,
    ...overrides,
  };
}

/** A clock the test moves by hand. */
export function manualClock(startIso = '2025-03-01T02:20:00.000Z'): Clock & { advance(ms: number): void } {
  let t = Date.parse(startIso);
  return { now: () => new Date(t), advance: (ms) => { t += ms; } };
}

/** A fresh directory for database files, removed by the returned function. */
export function tempDir(): { dir: string; file: (name?: string) => string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'vmlocks-store-'));
  return { dir, file: (name = 'vmlocks.db') => join(dir, name), remove: () => rmSync(dir, { recursive: true, force: true }) };
}
