/**
 * The fix workflow over in-memory ports (FakeCeph, FakeNova, MemoryStore, RecordingNotifier) with the real services
 * and core: the diagnosis, the request, the decision and the run, as main.ts wires them. `staleInstance` builds the
 * seed's case: a server on a compute whose nova-compute is down, its root disk locked by a client with no watcher.
 */
import { randomUUID } from 'node:crypto';
import { createLogger } from '../../../src/adapters/observability/logger.js';
import type { FixRequest } from '../../../src/core/fix-request.js';
import {
  parseEntityAddr, parseImageSpec, parseInstanceId, type EntityAddr, type ImageSpec, type InstanceId, type LockId, type Locker, type PoolName,
} from '../../../src/core/ids.js';
import type { InstanceReport } from '../../../src/core/report.js';
import type { Clock } from '../../../src/ports.js';
import { createFixWorkflow, type FixWorkflowDeps } from '../../../src/services/fix-workflow.js';
import { createInspectService } from '../../../src/services/inspect-instance.js';
import { FakeCeph } from './fake-ceph.js';
import { FakeNova } from './fake-nova.js';
import { MemoryStore } from './memory-store.js';
import { RecordingNotifier } from './recording-notifier.js';

export const ALICE = 'U0ALICE001';
export const BOB = 'U0BOB00002';

export class ManualClock implements Clock {
  constructor(private ms = Date.parse('2026-12-04T10:00:00Z')) {}
  now(): Date { return new Date(this.ms); }
  advance(ms: number): void { this.ms += ms; }
}

export function spec(text: string): ImageSpec {
  const r = parseImageSpec(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

export function addr(text: string): EntityAddr {
  const r = parseEntityAddr(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

export function lock(id: string, locker: string, address: string) {
  return { id: id as LockId, locker: locker as Locker, address: addr(address) };
}

export interface Harness {
  ceph: FakeCeph;
  nova: FakeNova;
  store: MemoryStore;
  notifier: RecordingNotifier;
  clock: ManualClock;
  deps: FixWorkflowDeps;
  workflow: ReturnType<typeof createFixWorkflow>;
  /** How many times the run (or the request) inspected the instance. */
  inspections(): number;
  /** Wraps the inspections (e.g. to advance the clock after one). */
  afterInspect: ((report: InstanceReport | null) => void) | null;
}

export function createHarness(overrides: Partial<FixWorkflowDeps> = {}): Harness {
  const clock = new ManualClock();
  const ceph = new FakeCeph(() => clock.now());
  const nova = new FakeNova();
  const store = new MemoryStore(clock);
  const notifier = new RecordingNotifier();
  const inspect = createInspectService({ ceph, nova, novaPool: 'vms' as PoolName, cinderPools: ['volumes' as PoolName], clock });
  let count = 0;
  const h: Partial<Harness> & { afterInspect: Harness['afterInspect'] } = { afterInspect: null };
  const deps: FixWorkflowDeps = {
    store, audit: store, notifier, clock, logger: createLogger({ level: 'silent' }),
    approvers: { isApprover: async (u) => u === BOB },
    brake: { window: () => ({ windowMs: 600_000, limit: 1_000 }), refuse: (count) => ({ count, limit: 1_000, windowMs: 600_000, message: 'brake' }) },
    ceph, nova, approvalTtlMs: 15 * 60_000, rebootTimeoutMs: 60_000, lease: { runnerId: 'runner-test', leaseMs: 600_000 },
    async inspectById(id: InstanceId) {
      count += 1;
      const r = await inspect.inspectById(id);
      h.afterInspect?.(r);
      return r;
    },
    ...overrides,
  };
  return Object.assign(h, { ceph, nova, store, notifier, clock, deps, workflow: createFixWorkflow(deps), inspections: () => count }) as Harness;
}

export interface StaleInstance {
  id: InstanceId;
  name: string;
  root: ImageSpec;
  deadLock: ReturnType<typeof lock>;
}

/** A server on compute-1 (nova-compute down), root disk vms/<id>_disk locked by a client with no watcher. */
export function staleInstance(h: Harness, opts: { volumeIds?: string[]; name?: string } = {}): StaleInstance {
  const raw = parseInstanceId(randomUUID());
  if (!raw.ok) throw new Error(raw.error);
  const id = raw.value;
  const name = opts.name ?? 'web-01';
  h.nova.addServer({
    id, name, projectId: 'p1', status: 'ACTIVE', vmState: 'active', powerState: 1, taskState: null, host: 'compute-1',
    hypervisorHostname: 'compute-1', hostStatus: 'DOWN', volumeIds: opts.volumeIds ?? [], bootFromVolume: false,
  });
  h.nova.setService('compute-1', 'down');
  const root = spec(`vms/${id}_disk`);
  const deadLock = lock('auto 140000000000001', 'client.4101', '10.0.0.1:0/1111');
  h.ceph.addImage(root, { locks: [deadLock] });
  return { id, name, root, deadLock };
}

/** Alice requests, Bob approves, the run ends: the request as stored at the end. */
export async function requestAndApprove(h: Harness, id: InstanceId): Promise<FixRequest> {
  const requested = await h.workflow.requestFix({ instanceId: id, requestedBy: ALICE, origin: null });
  if (!requested.ok) throw new Error(`request refused: ${requested.error.detail}`);
  const decided = await h.workflow.decide({ requestId: requested.value.id, userId: BOB, decision: 'approve' });
  if (!decided.ok) throw new Error(`approval refused: ${decided.error.detail}`);
  await h.workflow.idle();
  const end = await h.store.get(requested.value.id);
  if (!end) throw new Error('request vanished');
  return end;
}

export function stepsOf(h: Harness, requestId: string): string[] {
  return h.store.steps.filter((s) => s.requestId === requestId && s.status !== 'started').map((s) => `${s.step}:${s.status}`);
}

export function stepDetail(h: Harness, requestId: string, step: string): string {
  return h.store.steps.filter((s) => s.requestId === requestId && s.step === step && s.status !== 'started').map((s) => s.detail).join(' | ');
}
