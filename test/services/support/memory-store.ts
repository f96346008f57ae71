/**
 * The FixRequestStore and the AuditLog in memory, with the stores' rules that the services rely on (the contract of
 * test/adapters/store/contract): one open request per instance (an interrupted run not cleared included),
 * compare-and-set transitions, atomic decisions with the brake's count, leases on a clock the test moves, steps
 * upserted by (request, seq). `failWhen` makes a write throw, to test what a run does when the store fails under it.
 */
import type { InstanceId } from '../../../src/core/ids.js';
import type { FixRequest, RequestState } from '../../../src/core/fix-request.js';
import type { AuditEntry, AuditLog, Clock, DecideOutcome, FixRequestStore, FixRunStep, RunLease } from '../../../src/ports.js';

const OPEN: RequestState[] = ['pending', 'approved', 'running'];

type Write = { kind: 'update'; id: string; patch: Partial<FixRequest> } | { kind: 'recordStep'; step: FixRunStep };

export class MemoryStore implements FixRequestStore, AuditLog {
  readonly requests = new Map<string, FixRequest>();
  readonly steps: FixRunStep[] = [];
  readonly audit: AuditEntry[] = [];
  private failure: { match: (w: Write) => boolean; error: Error } | null = null;
  /** Lease expiry and clearance per request (columns the FixRequest type does not carry). */
  readonly leases = new Map<string, { runnerId: string; expiresAt: number }>();
  readonly cleared = new Set<string>();
  readonly runStarts: number[] = [];

  constructor(private readonly clock: Clock = { now: () => new Date() }) {}

  /** The next write that matches throws `error` (once). */
  failWhen(match: (w: Write) => boolean, error: Error): void {
    this.failure = { match, error };
  }

  private check(w: Write): void {
    if (this.failure?.match(w)) {
      const { error } = this.failure;
      this.failure = null;
      throw error;
    }
  }

  private guarding(r: FixRequest): boolean {
    return OPEN.includes(r.state) || (r.state === 'interrupted' && !this.cleared.has(r.id));
  }

  async create(request: FixRequest): Promise<void> {
    const open = await this.findOpen(request.instanceId);
    if (open) throw Object.assign(new Error(`instance ${request.instanceId} has an open request`), { existing: open });
    this.requests.set(request.id, { ...request });
  }

  async get(id: string): Promise<FixRequest | null> {
    const r = this.requests.get(id);
    return r ? { ...r } : null;
  }

  async findOpen(instanceId: InstanceId): Promise<FixRequest | null> {
    const r = [...this.requests.values()].find((x) => x.instanceId === instanceId && this.guarding(x));
    return r ? { ...r } : null;
  }

  async transition(id: string, from: RequestState[], to: RequestState, patch: Partial<FixRequest> = {}): Promise<boolean> {
    return this.move(id, from, to, patch);
  }

  private move(id: string, from: RequestState[], to: RequestState, patch: Partial<FixRequest> = {}): boolean {
    const r = this.requests.get(id);
    if (!r || !from.includes(r.state)) return false;
    this.requests.set(id, { ...r, ...patch, state: to });
    if (to === 'running' && r.state !== 'running') this.runStarts.push(this.clock.now().getTime());
    return true;
  }

  async update(id: string, patch: Partial<FixRequest>): Promise<void> {
    this.check({ kind: 'update', id, patch });
    const r = this.requests.get(id);
    if (!r) throw new Error(`fix request ${id} does not exist`);
    this.requests.set(id, { ...r, ...patch });
  }

  async listByState(states: RequestState[]): Promise<FixRequest[]> {
    return [...this.requests.values()].filter((r) => states.includes(r.state)).map((r) => ({ ...r }));
  }

  async countRunsStartedSince(since: string): Promise<number> {
    return this.runStarts.filter((t) => t >= Date.parse(since)).length;
  }

  /** The same decision as the stores', atomic by construction here (no await inside). */
  async decide(input: Parameters<FixRequestStore['decide']>[0]): Promise<DecideOutcome> {
    const now = this.clock.now().getTime();
    if (input.brake) {
      const count = this.runStarts.filter((t) => t >= now - (input.brake?.windowMs ?? 0)).length;
      if (count >= input.brake.limit) return { kind: 'brake', count };
    }
    if (!this.move(input.id, input.from, input.to, input.patch)) return { kind: 'lost' };
    if (input.start) {
      this.move(input.id, ['approved'], 'running', { lastStep: 'reinspect', runnerId: input.start.runnerId, heartbeatAt: new Date(now).toISOString() });
      this.leases.set(input.id, { runnerId: input.start.runnerId, expiresAt: now + input.start.leaseMs });
    }
    return { kind: 'won' };
  }

  async renewLease(id: string, lease: RunLease): Promise<boolean> {
    const now = this.clock.now().getTime();
    const held = this.leases.get(id);
    if (this.requests.get(id)?.state !== 'running' || held?.runnerId !== lease.runnerId || held.expiresAt <= now) return false;
    this.leases.set(id, { runnerId: lease.runnerId, expiresAt: now + lease.leaseMs });
    return true;
  }

  private lapsed(r: FixRequest): boolean {
    const held = this.leases.get(r.id);
    return (r.state === 'approved' || r.state === 'running') && (held === undefined || held.expiresAt <= this.clock.now().getTime());
  }

  async listLapsedRuns(): Promise<FixRequest[]> {
    return [...this.requests.values()].filter((r) => this.lapsed(r)).map((r) => ({ ...r }));
  }

  async interruptLapsed(id: string, patch: { finishedAt: string; outcome: string }): Promise<boolean> {
    const r = this.requests.get(id);
    if (!r || !this.lapsed(r)) return false;
    return this.move(id, [r.state], 'interrupted', patch);
  }

  async clearInterrupted(id: string, _clearance?: { by: string; reason: string; at: string }): Promise<boolean> {
    if (this.requests.get(id)?.state !== 'interrupted' || this.cleared.has(id)) return false;
    this.cleared.add(id);
    return true;
  }

  async recordStep(step: FixRunStep): Promise<void> {
    this.check({ kind: 'recordStep', step });
    const i = this.steps.findIndex((s) => s.requestId === step.requestId && s.seq === step.seq);
    if (i >= 0) this.steps[i] = { ...step };
    else this.steps.push({ ...step });
  }

  async listSteps(requestId: string): Promise<FixRunStep[]> {
    return this.steps.filter((s) => s.requestId === requestId).map((s) => ({ ...s }));
  }

  async append(entry: AuditEntry): Promise<void> {
    this.audit.push(entry);
  }

  async list(filter: { instanceId?: string; requestId?: string; limit?: number }): Promise<AuditEntry[]> {
    return this.audit.filter((e) => (filter.instanceId === undefined || e.instanceId === filter.instanceId) &&
      (filter.requestId === undefined || e.requestId === filter.requestId)).slice(0, filter.limit ?? Infinity);
  }
}
