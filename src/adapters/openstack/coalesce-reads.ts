/**
 * Coalesces Nova's reads that many diagnoses share: the hypervisor list (core/owner-host.ts) and a host's
 * nova-compute service (a mass event is many instances on one host). Concurrent callers share one request, and its
 * answer is reused for `ttlMs` (1 s by default). A state up to a second old can only miss a host that went down
 * within it (less corroboration: `unknown` rather than `stale`) or keep one that came back within it, which the
 * lock's own watcher check outranks; Nova itself notices a dead nova-compute only after service_down_time (60 s by
 * default), so a second adds nothing to what it already lags. Per-instance reads (the server) are never cached.
 */
import type { ComputeServiceView, HypervisorView } from '../../core/snapshot.js';
import type { NovaPort } from '../../ports.js';
import { coalesce } from '../coalesce.js';

export function coalesceNovaReads(port: NovaPort, opts: { ttlMs?: number; now?: () => number } = {}): NovaPort {
  const ttlMs = opts.ttlMs ?? 1000;
  const now = opts.now ?? (() => performance.now());
  const hypervisors = coalesce<'all', HypervisorView[]>(ttlMs, now);
  const services = coalesce<string, ComputeServiceView | null>(ttlMs, now);
  return {
    ...port,
    listHypervisors: () => hypervisors.get('all', () => port.listHypervisors()),
    getComputeService: (host) => services.get(host, () => port.getComputeService(host)),
  };
}
