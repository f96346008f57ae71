/** A pending host batch of two instances (the store tests'; `patch` overrides any field). */
import { randomUUID } from 'node:crypto';
import type { HostBatch } from '../../../../src/core/host-batch.js';
import type { InstanceId } from '../../../../src/core/ids.js';
import { sampleRequest } from './sample-request.js';

export function sampleBatch(patch: Partial<HostBatch> = {}): HostBatch {
  const items = [1, 2].map(() => {
    const r = sampleRequest();
    return { instanceId: r.instanceId, instanceName: r.instanceName, approvedLocks: r.approvedLocks, plan: r.plan, evidence: r.evidence, status: 'pending' as const, reason: null, requestId: null };
  });
  const now = Date.now();
  return {
    id: `hb-${randomUUID().slice(0, 10)}`, host: 'compute-1', requestedBy: 'U0REQUESTER', requestedAt: new Date(now).toISOString(),
    expiresAt: new Date(now + 15 * 60_000).toISOString(), state: 'pending', items,
    excluded: [{ instanceId: randomUUID() as InstanceId, instanceName: 'db-1', verdict: 'alive', reason: 'alive, not stale' }],
    decidedBy: null, decidedAt: null, denyReason: null, approvalMessage: { channel: 'C0INCIDENT', ts: '1.000001' },
    origin: { channel: 'C0ORIGIN', user: 'U0REQUESTER' }, finishedAt: null, outcome: null, runnerId: null, heartbeatAt: null, ...patch,
  };
}
