/**
 * Nova set-up for the diagnosis end-to-end tests, as the lab's admin (never through the adapter under test):
 * servers pinned to a compute, stopped or reset to ERROR, and the compute service disabled or forced down.
 * Everything a test changes is tracked so that `restore()` (afterAll) can undo it: computes enabled, not forced
 * down and running, then every server deleted.
 */
import { z } from 'zod';
import { parseInstanceId, type ImageSpec, type InstanceId } from '../../../src/core/ids.js';
import { diskSpecFor } from '../../support/ceph-scenarios.js';
import {
  ensureComputesUp, pollUntil, uniqueName, COMPUTES, type ComputeHost, type NovaLab,
} from '../../support/nova-lab.js';

export interface LabServer {
  id: InstanceId;
  name: string;
  host: ComputeHost;
  /** Its root disk as Nova's RBD image backend names it: `vms/<uuid>_disk`. */
  disk: ImageSpec;
}

const ServiceList = z.object({
  services: z.array(z.object({
    id: z.string(), host: z.string(), state: z.string(), status: z.string(), forced_down: z.boolean(),
  })),
});
const ServerShow = z.object({
  server: z.object({
    status: z.string(), 'OS-EXT-SRV-ATTR:host': z.string().nullish(), 'OS-EXT-STS:power_state': z.number().int(),
    'OS-EXT-STS:vm_state': z.string(), host_status: z.string().nullish(),
  }),
});

export interface ServerState { status: string; host: string | null; powerState: number; vmState: string; hostStatus: string | null }

/** PUT /os-services/{id} takes the service's UUID and `status`/`forced_down` from microversion 2.53. */
const SERVICES_MICROVERSION = '2.53';

export class NovaSetup {
  private readonly servers = new Map<InstanceId, LabServer>();
  private readonly touchedComputes = new Set<ComputeHost>();

  constructor(readonly lab: NovaLab) {}

  /** Boots servers pinned to their hosts (in parallel) and waits until each is ACTIVE. */
  async boot(specs: ReadonlyArray<{ prefix: string; host: ComputeHost; name?: string }>): Promise<LabServer[]> {
    return Promise.all(specs.map(async (s) => {
      const name = s.name ?? uniqueName(s.prefix);
      const raw = await this.lab.admin.bootServer(name, s.host, this.lab.imageId);
      const id = parseInstanceId(raw);
      if (!id.ok) throw new Error(`Nova gave a server id that is not a UUID: ${raw}`);
      const server = { id: id.value, name, host: s.host, disk: diskSpecFor(id.value) };
      this.servers.set(id.value, server);
      await this.lab.admin.waitServer(id.value, 'ACTIVE', 120_000);
      return server;
    }));
  }

  async state(id: InstanceId): Promise<ServerState> {
    const r = await this.lab.admin.call('GET', `/servers/${id}`);
    if (r.status !== 200) throw new Error(`GET /servers/${id}: ${r.status} ${JSON.stringify(r.json)}`);
    const s = ServerShow.parse(r.json).server;
    return {
      status: s.status, host: s['OS-EXT-SRV-ATTR:host'] ?? null, powerState: s['OS-EXT-STS:power_state'],
      vmState: s['OS-EXT-STS:vm_state'], hostStatus: s.host_status ?? null,
    };
  }

  /** os-stop: SHUTOFF, power state 4 (SHUTDOWN) on the fake driver. */
  async stop(server: LabServer): Promise<ServerState> {
    await this.action(server.id, { 'os-stop': null });
    await this.lab.admin.waitServer(server.id, 'SHUTOFF', 60_000);
    return this.state(server.id);
  }

  /** os-resetState to `error`, as an operator does after a failed evacuation (vm_state error, status ERROR). */
  async resetToError(server: LabServer): Promise<ServerState> {
    await this.action(server.id, { 'os-resetState': { state: 'error' } });
    await this.lab.admin.waitServer(server.id, 'ERROR', 60_000);
    return this.state(server.id);
  }

  /** Disables (or enables) the host's nova-compute: it keeps running and heartbeating, status `disabled`. */
  async setDisabled(host: ComputeHost, disabled: boolean): Promise<void> {
    this.touchedComputes.add(host);
    await this.updateService(host, disabled ? { status: 'disabled', disabled_reason: 'vmlocks e2e: maintenance' } : { status: 'enabled' });
  }

  /** Forces the host's nova-compute down (or back), as a fencing agent does: Nova then reports it down at once. */
  async setForcedDown(host: ComputeHost, forced: boolean): Promise<void> {
    this.touchedComputes.add(host);
    await this.updateService(host, { forced_down: forced });
  }

  /** The nova-compute service of a host as an admin sees it. */
  async service(host: ComputeHost): Promise<{ id: string; state: string; status: string; forcedDown: boolean }> {
    const r = await this.lab.admin.call('GET', `/os-services?binary=nova-compute&host=${host}`, undefined, SERVICES_MICROVERSION);
    const s = ServiceList.parse(r.json).services.find((x) => x.host === host);
    if (s === undefined) throw new Error(`no nova-compute service on ${host}`);
    return { id: s.id, state: s.state, status: s.status, forcedDown: s.forced_down };
  }

  /** Waits until Nova shows the host's server with this host_status (it follows the service state). */
  async waitHostStatus(server: LabServer, hostStatus: string, timeoutMs = 60_000): Promise<void> {
    await pollUntil(`${server.name} host_status ${hostStatus}`, timeoutMs, async () => (await this.state(server.id)).hostStatus === hostStatus, 500);
  }

  /** For afterAll: computes enabled, not forced down and running; then the servers deleted. Safe to call twice. */
  async restore(): Promise<void> {
    const errors: unknown[] = [];
    for (const host of COMPUTES) {
      if (!this.touchedComputes.has(host)) continue;
      await this.setForcedDown(host, false).catch((e: unknown) => errors.push(e));
      await this.setDisabled(host, false).catch((e: unknown) => errors.push(e));
    }
    await ensureComputesUp(this.lab).catch((e: unknown) => errors.push(e));
    await this.lab.admin.deleteServers([...this.servers.keys()]).catch((e: unknown) => errors.push(e));
    this.servers.clear();
    if (errors.length > 0) throw new Error(`Nova restore failed: ${errors.map(String).join('; ')}`);
  }

  private async action(id: InstanceId, body: unknown): Promise<void> {
    const r = await this.lab.admin.call('POST', `/servers/${id}/action`, body);
    if (r.status !== 202) throw new Error(`POST /servers/${id}/action ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(r.json)}`);
  }

  private async updateService(host: ComputeHost, body: Record<string, unknown>): Promise<void> {
    const { id } = await this.service(host);
    const r = await this.lab.admin.call('PUT', `/os-services/${id}`, body, SERVICES_MICROVERSION);
    if (r.status !== 200) throw new Error(`PUT /os-services/${id} ${JSON.stringify(body)}: ${r.status} ${JSON.stringify(r.json)}`);
  }
}
