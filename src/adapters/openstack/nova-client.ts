/**
 * The NovaPort over the compute API (Keystone v3 auth, microversion negotiated up to 2.93). Reads go through the
 * all-projects listing, which Nova answers with an elevated context for whoever holds
 * os_compute_api:servers:detail:get_all_tenants; GET /servers/{id} would look only in the token's project for a
 * non-admin (docs/openstack-policy.md).
 */
import type { InstanceId, InstanceRef } from '../../core/ids.js';
import type { ComputeServiceView, NovaInstanceView } from '../../core/snapshot.js';
import type { HttpRecord, NovaPort, ResolveResult } from '../../ports.js';
import { NovaApiError, type RequestInfo } from './errors.js';
import type { HttpTransport } from './http-call.js';
import type { KeystoneAuth } from './keystone-auth.js';
import { createNovaHttp, type NovaHttp } from './nova-http.js';
import { NovaServiceList } from './nova-schemas.js';
import { toComputeServiceView } from './nova-views.js';
import { listHypervisors } from './hypervisor-listing.js';
import { actionInServerProject } from './reboot-in-project.js';
import { createEvacuation } from './evacuation.js';
import { byHost, byId, byName, listServers } from './server-listing.js';
import { defaultFetch, tlsDispatcher } from './tls-dispatcher.js';
import { waitForActive, type PollOptions } from './wait-for-active.js';

export interface NovaClientOptions extends Partial<HttpTransport> {
  auth: KeystoneAuth;
  /** Pin a microversion instead of negotiating it (the highest both sides know). */
  microversion?: string;
  /** Servers per page when listing (Nova caps it at its osapi_max_limit, 1000 by default). */
  pageSize?: number;
  poll?: PollOptions;
}

export interface NovaClient extends NovaPort {
  /** The microversion in use (negotiated at the first call). */
  microversion(): Promise<string>;
  /** Reads a server, or null when Nova has none with that id (in any project). */
  findServer(id: InstanceId, signal?: AbortSignal): Promise<NovaInstanceView | null>;
}

export function createNovaClient(opts: NovaClientOptions): NovaClient {
  const http: NovaHttp = createNovaHttp({
    auth: opts.auth,
    fetch: opts.fetch ?? defaultFetch,
    dispatcher: opts.dispatcher ?? tlsDispatcher(opts.auth.credentials),
    timeoutMs: opts.timeoutMs ?? 10_000,
    microversion: opts.microversion,
  });
  const pageSize = opts.pageSize ?? 500;

  async function findServer(id: InstanceId, signal?: AbortSignal): Promise<NovaInstanceView | null> {
    const found = await listServers(http, byId(id), pageSize, signal);
    return found[0] ?? null;
  }

  async function getServer(id: InstanceId, signal?: AbortSignal): Promise<NovaInstanceView> {
    const s = await findServer(id, signal);
    if (s !== null) return s;
    throw new NovaApiError({
      method: 'GET', path: `/servers/detail?uuid=${id}`, code: 'not_found', status: null, requestId: null, apiMessage: null,
      userMessage: `Nova has no server ${id} in any project (it may have been deleted).`,
    });
  }

  const client: NovaClient = {
    microversion: () => http.microversion(),
    findServer,
    getServer: (id) => getServer(id),

    async resolveInstance(ref: InstanceRef): Promise<ResolveResult> {
      if (ref.kind === 'uuid') {
        const s = await findServer(ref.id);
        return s === null ? { kind: 'not_found', ref } : { kind: 'found', server: s };
      }
      const matches = await listServers(http, byName(ref.name), pageSize);
      const [only] = matches;
      if (only === undefined) return { kind: 'not_found', ref };
      if (matches.length === 1) return { kind: 'found', server: only };
      return { kind: 'ambiguous', candidates: matches.map((s) => ({ id: s.id, name: s.name, host: s.host, status: s.status })) };
    },

    async getComputeService(host: string): Promise<ComputeServiceView | null> {
      const q = new URLSearchParams({ binary: 'nova-compute', host });
      const body = await http.getJson(`/os-services?${q.toString()}`, NovaServiceList);
      const service = body.services.find((s) => s.host === host && s.binary === 'nova-compute');
      return service === undefined ? null : toComputeServiceView(service);
    },

    async listComputeServices(): Promise<ComputeServiceView[]> {
      // os-services is not paged: one row per service (nova/api/openstack/compute/services.py)
      const body = await http.getJson('/os-services?binary=nova-compute', NovaServiceList);
      return body.services.filter((s) => s.binary === 'nova-compute').map(toComputeServiceView);
    },

    listServersOnHost: (host: string) => listServers(http, byHost(host), pageSize),

    listHypervisors: () => listHypervisors(http, pageSize),

    async hardReboot(id: InstanceId): Promise<HttpRecord> {
      const req: RequestInfo & { body: unknown } = { method: 'POST', path: `/servers/${id}/action`, body: { reboot: { type: 'HARD' } } };
      const answer = await actionInServerProject(http, opts.auth, req, () => findServer(id));
      return { method: req.method, path: req.path, status: answer.status, requestId: answer.requestId, durationMs: answer.durationMs, body: req.body };
    },

    waitForActive: (id, o) => waitForActive(getServer, id, o, opts.poll),
    ...createEvacuation({ http, auth: opts.auth, findServer, getServer, poll: opts.poll }),
  };
  return client;
}
