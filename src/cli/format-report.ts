/** Readable text for `vmlocks inspect` (the default; `--json` prints the contract object instead). */
import type { FixStep } from '../core/fix-plan-types.js';
import type { InstanceReport, LockAssessment } from '../core/report.js';
import type { HostOutcome, InspectOutcome } from '../services/types.js';

const VERDICT_LINE: Record<InstanceReport['verdict'], string> = {
  stale: 'STALE: the lock owner is dead; the fix below is safe once a second person approves it',
  alive: 'ALIVE: every lock is held by a live client; do not remove anything',
  unknown: 'UNKNOWN: not enough evidence either way; check again in a minute',
  unlocked: 'UNLOCKED: no disk of this instance is locked',
};

function quote(arg: string): string {
  return /^[A-Za-z0-9_./:@=-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function formatCommand(step: FixStep): string {
  if ('argv' in step) return step.argv.map(quote).join(' ');
  if ('request' in step) return `${step.request.method} ${step.request.path}${step.request.body === undefined ? '' : ` ${JSON.stringify(step.request.body)}`}`;
  return `(${step.description})`;
}

function formatLock(l: LockAssessment): string[] {
  return [
    `    lock ${JSON.stringify(l.lock.id)} ${l.lock.locker} ${l.lock.address}: ${l.verdict.toUpperCase()}`,
    ...l.evidence.map((e) => `      - ${e}`),
  ];
}

export function formatReport(report: InstanceReport, plan: FixStep[]): string {
  const i = report.instance;
  const lines = [
    `${i.name} (${i.id})`,
    `  verdict: ${VERDICT_LINE[report.verdict]}`,
    `  status ${i.status}, vm_state ${i.vmState ?? '-'}, power_state ${i.powerState ?? '-'}, task ${i.taskState ?? '-'}`,
    `  host ${i.host ?? '-'}: ${i.hostState}${i.hostStatus ? ` (host_status ${i.hostStatus})` : ''}`,
    ...report.evidence.map((e) => `  - ${e}`),
    '',
    'disks:',
  ];
  if (report.disks.length === 0) lines.push('  (none found)');
  for (const d of report.disks) {
    lines.push(`  ${d.image}${d.role === 'volume' ? ` (volume ${d.volumeId ?? ''})` : ''}${d.objectMapInvalid ? ' [object map invalid]' : ''}${d.error ? ` [error: ${d.error}]` : ''}`);
    if (d.locks.length === 0 && !d.error) lines.push('    no lock');
    for (const l of d.locks) lines.push(...formatLock(l));
    for (const w of d.watchers) lines.push(`    watcher client.${w.client} ${w.address} cookie ${w.cookie}`);
  }
  if (plan.length > 0) {
    lines.push('', 'fix plan (runs only after a second person approves it in Slack):');
    plan.forEach((s, n) => lines.push(`  ${n + 1}. ${s.step}: ${formatCommand(s)}`));
  }
  return lines.join('\n');
}

export function formatOutcome(outcome: InspectOutcome): string {
  if (outcome.kind === 'report') return formatReport(outcome.report, outcome.plan);
  const ref = outcome.ref.kind === 'uuid' ? outcome.ref.id : outcome.ref.name;
  if (outcome.kind === 'not_found') return `${ref}: no such instance in Nova (all projects)`;
  return [`${ref} is ambiguous; use one of these UUIDs:`, ...outcome.candidates.map((c) => `  ${c.id}  ${c.name}  ${c.host ?? '-'}  ${c.status}`)].join('\n');
}

export function formatHostOutcome(outcome: HostOutcome): string {
  if (outcome.kind === 'host_not_found') return `${outcome.host}: Nova has no nova-compute service and no instance on this host`;
  const s = outcome.summary;
  const counts = Object.entries(s.counts).filter(([, n]) => n > 0).map(([v, n]) => `${n} ${v}`).join(', ');
  return [
    `${s.host}: ${s.hostState}; ${s.instances.length} instance(s)${counts ? `: ${counts}` : ''}`,
    ...s.evidence.map((e) => `  - ${e}`),
    ...s.instances.map((i) => `  ${i.verdict.toUpperCase().padEnd(8)} ${i.id}  ${i.name}  ${i.status}  ${i.locks} lock(s)${i.staleLocks ? `, ${i.staleLocks} stale` : ''}${i.reason ? `  (${i.reason})` : ''}`),
  ].join('\n');
}
