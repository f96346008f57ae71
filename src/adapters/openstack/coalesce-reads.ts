/**
 * Coalesces Nova's cluster-wide read of a diagnosis, the hypervisor list (core/owner-host.ts): concurrent callers
 * share one listing, reused for `ttlMs` (1 s by default). A state up to a second old can only miss a host that went
 * down within it (less corroboration: `unknown` rather than `stale`) or keep one that came back within it, which
 * the lock's own watcher check outranks. Per-instance reads (server, compute service) are never cached.
 */
import type { HypervisorView } from '../../core/snapshot.js';
import type { NovaPort } from '../../ports.js';
import { coalesce } from '../coalesce.js';

export function coalesceNovaReads(port: NovaPort, opts: { ttlMs?: number; now?: () => number } = {}): NovaPort {
  const hypervisors = coalesce<'all', HypervisorView[]>(opts.ttlMs ?? 1000, opts.now ?? (() => performance.now()));
  return { ...port, listHypervisors: () => hypervisors.get('all', () => port.listHypervisors()) };
}
