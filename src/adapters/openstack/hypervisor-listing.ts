/**
 * GET /os-hypervisors/detail, every page: which compute host has which IP (host_ip, Nova's my_ip) and whether its
 * service is up. Paged from microversion 2.33 (limit, marker, hypervisors_links); earlier ones return everything.
 * The diagnosis uses it to find the host a lock owner ran on (core/owner-host.ts).
 */
import type { HypervisorView } from '../../core/snapshot.js';
import { NovaApiError } from './errors.js';
import { atLeast, type NovaHttp } from './nova-http.js';
import { HostIp, NovaHypervisorList, type NovaHypervisor } from './nova-schemas.js';
import { nextMarker } from './server-listing.js';

const MAX_PAGES = 100;

function toView(h: NovaHypervisor): HypervisorView {
  const ip = HostIp.safeParse(h.host_ip);
  return {
    hypervisorHostname: h.hypervisor_hostname,
    host: h.service?.host ?? null,
    hostIp: ip.success ? ip.data : null,
    state: h.state === 'up' || h.state === 'down' ? h.state : null,
  };
}

export async function listHypervisors(http: NovaHttp, pageSize: number): Promise<HypervisorView[]> {
  const paged = atLeast(await http.microversion(), '2.33');
  const out: HypervisorView[] = [];
  let marker: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const q = new URLSearchParams(paged ? { limit: String(pageSize) } : {});
    if (marker !== null) q.set('marker', marker);
    const body = await http.getJson(`/os-hypervisors/detail${q.size > 0 ? `?${q.toString()}` : ''}`, NovaHypervisorList);
    out.push(...body.hypervisors.map(toView));
    marker = paged ? nextMarker(body.hypervisors_links) : null;
    if (marker === null || body.hypervisors.length === 0) return out;
  }
  throw new NovaApiError({
    method: 'GET', path: '/os-hypervisors/detail', code: 'bad_response', status: null, requestId: null,
    apiMessage: `more than ${MAX_PAGES} pages of ${pageSize} hypervisors`,
    userMessage: `Nova kept returning pages of hypervisors (more than ${MAX_PAGES * pageSize}); vmlocks stopped following them. Report this.`,
  });
}
