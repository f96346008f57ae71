/**
 * An in-memory Nova behind the NovaPort: servers, compute services and hypervisors. `hardReboot` records the
 * request and makes the server ACTIVE/RUNNING; `waitForActive` answers from the server's state at once.
 * `evacuate` refuses (400, as Nova) while the source's service is up, else records a `done` evacuation record and
 * moves the server to `evacuationTarget`, ACTIVE; `evacuateRefusal` makes it throw instead (a 409, say).
 */
import type { InstanceId, InstanceRef } from '../../../src/core/ids.js';
import type { ComputeServiceView, HypervisorView, NovaInstanceView } from '../../../src/core/snapshot.js';
import type { EvacuationOutcome, EvacuationRecord, HttpRecord, NovaPort, ResolveResult, WaitOutcome } from '../../../src/ports.js';

export class FakeNova implements NovaPort {
  readonly servers = new Map<InstanceId, NovaInstanceView>();
  readonly services = new Map<string, ComputeServiceView>();
  hypervisors: HypervisorView[] = [];
  readonly reboots: InstanceId[] = [];
  /** Whether a hard reboot brings the server back (ACTIVE, RUNNING). */
  rebootSucceeds = true;
  readonly evacuations: InstanceId[] = [];
  readonly migrations = new Map<InstanceId, EvacuationRecord[]>();
  evacuationTarget = 'compute-2';
  /** The status the next evacuation's record ends in (`done`, or `error`/`failed`, or `accepted` to never end). */
  evacuationEnds = 'done';
  evacuateRefusal: Error | null = null;

  addServer(server: NovaInstanceView): void {
    this.servers.set(server.id, server);
  }

  setService(host: string, state: 'up' | 'down', forcedDown = false): void {
    this.services.set(host, { host, state, status: 'enabled', forcedDown, updatedAt: '2026-12-04T09:50:00.000Z', disabledReason: null });
  }

  async resolveInstance(ref: InstanceRef): Promise<ResolveResult> {
    const server = ref.kind === 'uuid' ? this.servers.get(ref.id) : [...this.servers.values()].find((s) => s.name === ref.name);
    return server ? { kind: 'found', server: { ...server } } : { kind: 'not_found', ref };
  }

  async getServer(id: InstanceId): Promise<NovaInstanceView> {
    const s = this.servers.get(id);
    if (!s) throw Object.assign(new Error(`Nova has no server ${id}`), { code: 'not_found' });
    return { ...s };
  }

  async getComputeService(host: string): Promise<ComputeServiceView | null> {
    return this.services.get(host) ?? null;
  }

  async listComputeServices(): Promise<ComputeServiceView[]> {
    return [...this.services.values()];
  }

  async listServersOnHost(host: string): Promise<NovaInstanceView[]> {
    return [...this.servers.values()].filter((s) => s.host === host);
  }

  async listHypervisors(): Promise<HypervisorView[]> {
    return this.hypervisors;
  }

  async hardReboot(id: InstanceId): Promise<HttpRecord> {
    this.reboots.push(id);
    const s = this.servers.get(id);
    if (s && this.rebootSucceeds) this.servers.set(id, { ...s, status: 'ACTIVE', powerState: 1, vmState: 'active', taskState: null });
    return { method: 'POST', path: `/servers/${id}/action`, status: 202, requestId: 'req-fake-reboot', durationMs: 3, body: { reboot: { type: 'HARD' } } };
  }

  async waitForActive(id: InstanceId): Promise<WaitOutcome> {
    const server = await this.getServer(id);
    const reached = server.status === 'ACTIVE' && server.powerState === 1;
    return { reached, server, transitions: [server.status], elapsedMs: 10 };
  }

  async evacuate(id: InstanceId): Promise<HttpRecord> {
    if (this.evacuateRefusal) throw this.evacuateRefusal;
    const s = await this.getServer(id);
    const svc = s.host === null ? undefined : this.services.get(s.host);
    if (svc === undefined || (svc.state === 'up' && !svc.forcedDown)) {
      throw Object.assign(new Error(`Compute service of ${s.host ?? '?'} is still in use.`), { status: 400 });
    }
    this.evacuations.push(id);
    const records = this.migrations.get(id) ?? [];
    const done = this.evacuationEnds === 'done';
    records.push({ id: 100 + this.evacuations.length, status: this.evacuationEnds, sourceCompute: s.host, destCompute: done ? this.evacuationTarget : null, createdAt: '2026-12-04T10:00:01Z' });
    this.migrations.set(id, records);
    if (done) this.servers.set(id, { ...s, host: this.evacuationTarget, hypervisorHostname: this.evacuationTarget, status: 'ACTIVE', powerState: 1, vmState: 'active', taskState: null, hostStatus: 'UP' });
    else this.servers.set(id, { ...s, status: 'REBUILD', taskState: 'rebuilding' });
    return { method: 'POST', path: `/servers/${id}/action`, status: 200, requestId: 'req-fake-evacuate', durationMs: 4, body: { evacuate: {} } };
  }

  async listEvacuations(id: InstanceId): Promise<EvacuationRecord[]> {
    return [...(this.migrations.get(id) ?? [])];
  }

  async waitForEvacuation(id: InstanceId, opts: { sourceHost: string; afterMigrationId: number }): Promise<EvacuationOutcome> {
    const server = await this.getServer(id);
    const migration = (this.migrations.get(id) ?? []).filter((m) => m.id > opts.afterMigrationId).at(-1) ?? null;
    const failed = migration !== null && ['error', 'failed'].includes(migration.status);
    const reached = migration?.status === 'done' && server.host !== opts.sourceHost && server.status === 'ACTIVE';
    return { reached, failed, server, migration, transitions: [`migration ${migration?.status ?? 'none'}, server ${server.status} on ${server.host ?? '-'}`], elapsedMs: 12 };
  }
}
