/**
 * The FixRequestStore and the AuditLog in memory, with the SQLite store's rules that the services rely on: one open
 * request per instance, compare-and-set transitions, steps upserted by (request, seq). `failWhen` makes a write
 * throw, to test what a run does when the store fails under it.
 */
import type { InstanceId } from '../../../src/core/ids.js';
import type { FixRequest, RequestState } from '../../../src/core/fix-request.js';
import type { AuditEntry, AuditLog, FixRequestStore, FixRunStep } from '../../../src/ports.js';

const OPEN: RequestState[] = ['pending', 'approved', 'running'];

type Write = { kind: 'update'; id: string; patch: Partial<FixRequest> } | { kind: 'recordStep'; step: FixRunStep };

export class MemoryStore implements FixRequestStore, AuditLog {
  readonly requests = new Map<string, FixRequest>();
  readonly steps: FixRunStep[] = [];
  readonly audit: AuditEntry[] = [];
  private failure: { match: (w: Write) => boolean; error: Error } | null = null;

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

  create(request: FixRequest): void {
    const open = this.findOpen(request.instanceId);
    if (open) throw Object.assign(new Error(`instance ${request.instanceId} has an open request`), { existing: open });
    this.requests.set(request.id, { ...request });
  }

  get(id: string): FixRequest | null {
    const r = this.requests.get(id);
    return r ? { ...r } : null;
  }

  findOpen(instanceId: InstanceId): FixRequest | null {
    const r = [...this.requests.values()].find((x) => x.instanceId === instanceId && OPEN.includes(x.state));
    return r ? { ...r } : null;
  }

  transition(id: string, from: RequestState[], to: RequestState, patch: Partial<FixRequest> = {}): boolean {
    const r = this.requests.get(id);
    if (!r || !from.includes(r.state)) return false;
    this.requests.set(id, { ...r, ...patch, state: to });
    return true;
  }

  update(id: string, patch: Partial<FixRequest>): void {
    this.check({ kind: 'update', id, patch });
    const r = this.requests.get(id);
    if (!r) throw new Error(`fix request ${id} does not exist`);
    this.requests.set(id, { ...r, ...patch });
  }

  listByState(states: RequestState[]): FixRequest[] {
    return [...this.requests.values()].filter((r) => states.includes(r.state)).map((r) => ({ ...r }));
  }

  countRunsStartedSince(): number {
    return 0;
  }

  recordStep(step: FixRunStep): void {
    this.check({ kind: 'recordStep', step });
    const i = this.steps.findIndex((s) => s.requestId === step.requestId && s.seq === step.seq);
    if (i >= 0) this.steps[i] = { ...step };
    else this.steps.push({ ...step });
  }

  listSteps(requestId: string): FixRunStep[] {
    return this.steps.filter((s) => s.requestId === requestId).map((s) => ({ ...s }));
  }

  atomically<T>(work: () => T): T {
    return work();
  }

  append(entry: AuditEntry): void {
    this.audit.push(entry);
  }

  list(filter: { instanceId?: string; requestId?: string; limit?: number }): AuditEntry[] {
    return this.audit.filter((e) => (filter.instanceId === undefined || e.instanceId === filter.instanceId) &&
      (filter.requestId === undefined || e.requestId === filter.requestId)).slice(0, filter.limit ?? Infinity);
  }
}
