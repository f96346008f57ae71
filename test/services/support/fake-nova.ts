/**
 * An in-memory Nova behind the NovaPort: servers, compute services and hypervisors. `hardReboot` records the
 * request and makes the server ACTIVE/RUNNING; `waitForActive` answers from the server's state at once.
 */
import type { InstanceId, InstanceRef } from '../../../src/core/ids.js';
import type { ComputeServiceView, HypervisorView, NovaInstanceView } from '../../../src/core/snapshot.js';
import type { HttpRecord, NovaPort, ResolveResult, WaitOutcome } from '../../../src/ports.js';

export class FakeNova implements NovaPort {
  readonly servers = new Map<InstanceId, NovaInstanceView>();
  readonly services = new Map<string, ComputeServiceView>();
  hypervisors: HypervisorView[] = [];
  readonly reboots: InstanceId[] = [];
  /** Whether a hard reboot brings the server back (ACTIVE, RUNNING). */
  rebootSucceeds = true;

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
}
