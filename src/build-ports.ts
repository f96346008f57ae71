/**
 * Builds the outbound Ceph and Nova ports from the configuration, wrapped once in the shared limiters and the
 * metrics, so that the Slack and CLI paths share one queue each (issue: 50 commands never start 500 rbd).
 */
import { createCephAdapter } from './adapters/ceph/index.js';
import { coalesceReads } from './adapters/ceph/coalesce-reads.js';
import { coalesceNovaReads } from './adapters/openstack/coalesce-reads.js';
import { limitCephByPriority, limitNovaByPriority } from './adapters/limits/index.js';
import { instrumentPort } from './adapters/observability/instrument-port.js';
import type { Metrics } from './adapters/observability/metrics.js';
import { createOpenStackNova } from './adapters/openstack/index.js';
import type { BaseConfig } from './config.js';
import type { CephPort, NovaPort } from './ports.js';

export interface OutboundPorts {
  ceph: CephPort;
  nova: NovaPort;
  /** The same Ceph queue, for fix runs: their calls go before the diagnoses waiting (limit-ports.ts). */
  fixCeph: CephPort;
  /** Ends what the ports keep open (the Ceph read helper). */
  close(): Promise<void>;
  /** The same queues, for host scans: their calls go after single diagnoses (issue 11). */
  scan: { ceph: CephPort; nova: NovaPort };
}

export async function buildPorts(cfg: BaseConfig, metrics: Metrics): Promise<OutboundPorts> {
  const cephCli = createCephAdapter({
    reads: cfg.ceph.reads,
    baseEnv: cfg.env,
    ...(cfg.ceph.id ? { id: cfg.ceph.id } : {}),
    ...(cfg.ceph.conf ? { conf: cfg.ceph.conf } : {}),
    ...(cfg.ceph.keyring ? { keyring: cfg.ceph.keyring } : {}),
    timeoutMs: cfg.ceph.timeoutMs,
  });
  const novaClient = await createOpenStackNova(cfg.env, { timeoutMs: cfg.nova.timeoutMs });
  const cephQueue = limitCephByPriority(instrumentPort('ceph', cephCli, metrics), {
    maxConcurrent: cfg.ceph.concurrency, minTime: cfg.ceph.minTimeMs, maxQueued: cfg.ceph.maxQueued, metrics,
  });
  const novaQueue = limitNovaByPriority(instrumentPort('nova', novaClient, metrics), {
    maxConcurrent: cfg.nova.concurrency, minTime: cfg.nova.minTimeMs, maxQueued: cfg.nova.maxQueued, metrics,
  });
  return {
    // outermost: coalesced reads never enter the queue
    ceph: coalesceReads(cephQueue.diagnosis),
    // a fix reads fresh (no coalescing) and first
    fixCeph: cephQueue.fix,
    nova: coalesceNovaReads(novaQueue.diagnosis),
    scan: { ceph: coalesceReads(cephQueue.hostScan), nova: coalesceNovaReads(novaQueue.hostScan) },
    close: () => cephCli.close(),
  };
}
