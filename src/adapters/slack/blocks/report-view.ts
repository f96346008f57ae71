/**
 * The view model of the report message: what `/vmlocks <instance>` shows, computed from the core's
 * InstanceReport and fix plan. Pure; the block builder (report-blocks.ts) only lays it out.
 */
import type { FixStep } from '../../../core/fix-plan-types.js';
import type { DiskReport, HostState, InstanceReport, LockVerdict } from '../../../core/report.js';
import { powerStateName } from './format.js';
import { plural } from './mrkdwn.js';
import { toPlanLines, type PlanLine } from './plan-lines.js';

export type DiskVerdict = LockVerdict | 'unlocked' | 'unreadable';

export interface LockView {
  id: string;
  locker: string;
  address: string;
  verdict: LockVerdict;
  evidence: string[];
}

export interface DiskView {
  image: string;
  role: string;
  volumeId: string | null;
  verdict: DiskVerdict;
  locks: LockView[];
  watchers: Array<{ address: string; client: string; cookie: string }>;
  objectMapInvalid: boolean;
  error: string | null;
}

export interface ReportView {
  verdict: InstanceReport['verdict'];
  /** The one-line summary after the verdict word and the instance name (plain text, escaped where shown). */
  summary: string;
  instance: {
    id: string;
    name: string;
    status: string;
    vmState: string | null;
    powerState: string;
    taskState: string | null;
    host: string | null;
    hostState: HostState;
    /** Last heartbeat of the host's nova-compute (ISO), the "since when" of a down host. */
    hostSeenAt: string | null;
    hostStatus: string | null;
    hostDisabledReason: string | null;
  };
  evidence: string[];
  /** Disks that need attention first (stale, unknown, unreadable, alive, then unlocked), otherwise in report order. */
  disks: DiskView[];
  plan: PlanLine[];
  observedAt: string;
}

const DISK_ORDER: Record<DiskVerdict, number> = { stale: 0, unknown: 1, unreadable: 2, alive: 3, unlocked: 4 };

export function diskVerdict(disk: DiskReport): DiskVerdict {
  if (disk.error !== undefined) return 'unreadable';
  if (disk.locks.length === 0) return 'unlocked';
  if (disk.locks.some((l) => l.verdict === 'stale')) return 'stale';
  if (disk.locks.some((l) => l.verdict === 'unknown')) return 'unknown';
  return 'alive';
}

function toDiskView(disk: DiskReport): DiskView {
  return {
    image: disk.image,
    role: disk.role,
    volumeId: disk.volumeId ?? null,
    verdict: diskVerdict(disk),
    locks: disk.locks.map((l) => ({ id: l.lock.id, locker: l.lock.locker, address: l.lock.address, verdict: l.verdict, evidence: l.evidence })),
    watchers: disk.watchers.map((w) => ({ address: w.address, client: w.client, cookie: w.cookie })),
    objectMapInvalid: disk.objectMapInvalid,
    error: disk.error ?? null,
  };
}

function hostPhrase(report: InstanceReport): string | null {
  const { host, hostState } = report.instance;
  if (host === null) return null;
  if (hostState === 'down') return `${host} is down`;
  if (hostState === 'forced_down') return `${host} is forced down`;
  return null;
}

/** "1 stale lock on 1 disk; compute-1 is down" and the like (the instance name is shown beside it, in a code span). */
export function reportSummary(report: InstanceReport): string {
  const locks = report.disks.flatMap((d) => d.locks);
  const count = (v: LockVerdict): number => locks.filter((l) => l.verdict === v).length;
  const disksWith = (v: LockVerdict): number => report.disks.filter((d) => d.locks.some((l) => l.verdict === v)).length;
  const host = hostPhrase(report);
  const parts: string[] = [];
  switch (report.verdict) {
    case 'stale':
      parts.push(`${plural(count('stale'), 'stale lock')} on ${plural(disksWith('stale'), 'disk')}`);
      if (count('alive') > 0) parts.push(`${plural(count('alive'), 'live lock')} left alone`);
      break;
    case 'unknown':
      parts.push(count('unknown') > 0
        ? `${plural(count('unknown'), 'lock')} could not be judged yet`
        : 'some facts could not be read');
      break;
    case 'alive':
      parts.push(`${plural(locks.length, 'lock')} held by live clients; nothing to fix`);
      break;
    case 'unlocked':
      parts.push(report.disks.length === 0 ? 'no disk found' : `no lock on ${plural(report.disks.length, 'disk')}`);
      break;
  }
  if (host !== null) parts.push(host);
  return parts.join('; ');
}

export function toReportView(report: InstanceReport, plan: readonly FixStep[]): ReportView {
  const i = report.instance;
  const disks = report.disks.map(toDiskView);
  const ordered = disks
    .map((disk, index) => ({ disk, index }))
    .sort((a, b) => DISK_ORDER[a.disk.verdict] - DISK_ORDER[b.disk.verdict] || a.index - b.index)
    .map(({ disk }) => disk);
  return {
    verdict: report.verdict,
    summary: reportSummary(report),
    instance: {
      id: i.id,
      name: i.name,
      status: i.status,
      vmState: i.vmState,
      powerState: powerStateName(i.powerState),
      taskState: i.taskState,
      host: i.host,
      hostState: i.hostState,
      hostSeenAt: i.computeService?.updatedAt ?? null,
      hostStatus: i.hostStatus,
      hostDisabledReason: i.computeService?.disabledReason ?? null,
    },
    evidence: report.evidence,
    disks: ordered,
    plan: report.verdict === 'stale' ? toPlanLines(plan) : [],
    observedAt: report.observedAt,
  };
}
