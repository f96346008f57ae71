/**
 * In-memory fakes of the ports the host watch uses (NovaPort's compute services, HostWatchStore, HostAnnouncer,
 * AuditLog, Clock), keeping state so that a test can play a host going down and coming back, poll after poll.
 */
import { Writable } from 'node:stream';
import { createLogger, type Logger } from '../../../src/adapters/observability/logger.js';
import { createMetrics, type Metrics } from '../../../src/adapters/observability/metrics.js';
import type { HostAnnouncement, HostRecord } from '../../../src/core/host-watch.js';
import { summariseHost } from '../../../src/core/host-summary.js';
import { ok, type Result } from '../../../src/core/result.js';
import type { ComputeServiceView } from '../../../src/core/snapshot.js';
import type { AuditEntry, AuditLog, Clock, HostAnnouncer, HostView, HostWatchStore, StoredHostRecord } from '../../../src/ports.js';
import type { HostOutcome } from '../../../src/services/types.js';

export const T0 = Date.parse('2026-11-25T02:00:00Z');

export class FakeClock implements Clock {
  private t = T0;
  now(): Date { return new Date(this.t); }
  advance(seconds: number): void { this.t += seconds * 1000; }
}

/** Nova's nova-compute services: each host up with a fresh heartbeat, until told otherwise. */
export class FakeComputeServices {
  calls = 0;
  failing: Error | null = null;
  private readonly hosts = new Map<string, { down: boolean; forcedDown: boolean; lastBeat: number }>();
  constructor(private readonly clock: FakeClock, hosts: string[]) {
    for (const h of hosts) this.hosts.set(h, { down: false, forcedDown: false, lastBeat: clock.now().getTime() });
  }
  /** The host stops reporting (power loss): its heartbeat stays where it was. */
  powerOff(host: string): void { const h = this.must(host); h.down = true; }
  powerOn(host: string): void { const h = this.must(host); h.down = false; h.forcedDown = false; h.lastBeat = this.clock.now().getTime(); }
  forceDown(host: string): void { this.must(host).forcedDown = true; }
  async listComputeServices(): Promise<ComputeServiceView[]> {
    this.calls += 1;
    if (this.failing) throw this.failing;
    return [...this.hosts].map(([host, h]) => {
      if (!h.down) h.lastBeat = this.clock.now().getTime();
      return {
        host, state: h.down ? 'down' : 'up', status: 'enabled', forcedDown: h.forcedDown,
        updatedAt: new Date(h.lastBeat).toISOString(), disabledReason: null,
      };
    });
  }
  private must(host: string) {
    const h = this.hosts.get(host);
    if (!h) throw new Error(`no host ${host}`);
    return h;
  }
}

/** The store's contract: compare-and-set on the version, as the SQLite store does it. */
export class InMemoryHostWatchStore implements HostWatchStore {
  readonly rows = new Map<string, StoredHostRecord>();
  async listHostRecords(): Promise<StoredHostRecord[]> { return [...this.rows.values()].map((r) => structuredClone(r)); }
  async saveHostRecord(record: HostRecord, expectedVersion: number): Promise<boolean> {
    if ((this.rows.get(record.host)?.version ?? 0) !== expectedVersion) return false;
    this.rows.set(record.host, { ...structuredClone(record), version: expectedVersion + 1 });
    return true;
  }
}

export class RecordingAnnouncer implements HostAnnouncer {
  readonly posted: Array<{ announcement: HostAnnouncement; view: Result<HostView, string> }> = [];
  failing: Error | null = null;
  async announceHost(announcement: HostAnnouncement, view: Result<HostView, string>): Promise<void> {
    if (this.failing) throw this.failing;
    this.posted.push({ announcement, view });
  }
}

export class MemoryAudit implements AuditLog {
  readonly entries: AuditEntry[] = [];
  async append(entry: AuditEntry): Promise<void> { this.entries.push(entry); }
  async list(): Promise<AuditEntry[]> { return [...this.entries]; }
}

/** A logger whose JSON lines the test can read. */
export function memoryLogger(): { logger: Logger; lines: () => Array<Record<string, unknown>> } {
  const raw: string[] = [];
  const destination = new Writable({ write(chunk: Buffer, _enc, done) { raw.push(chunk.toString('utf8')); done(); } });
  const logger = createLogger({ level: 'debug', destination });
  return { logger, lines: () => raw.join('').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

/** The host view: the host's service as Nova has it now, no instances. */
export function viewFrom(nova: FakeComputeServices, clock: FakeClock): (host: string) => Promise<HostOutcome> {
  return async (host) => {
    const service = (await nova.listComputeServices()).find((s) => s.host === host) ?? null;
    return { kind: 'host_report', summary: summariseHost(host, ok(service), [], clock.now().toISOString()) };
  };
}

export function freshMetrics(): Metrics {
  return createMetrics();
}

export async function counterValue(metrics: Metrics, name: string, labels: Record<string, string>): Promise<number> {
  const metric = (await metrics.registry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, l]) => v.labels[k] === l));
  return value?.value ?? 0;
}
