/** One disk of the report as a section text (≤ 3000 characters), and the summary line of disks left out. */
import { code, escapeText, fitLines, plural, truncate } from './mrkdwn.js';
import type { DiskVerdict, DiskView, LockView } from './report-view.js';
import { SLACK_LIMITS } from './slack-limits.js';

export const DISK_VERDICT_LABEL: Record<DiskVerdict, string> = {
  stale: ':red_circle: stale',
  unknown: ':large_yellow_circle: unknown',
  unreadable: ':grey_question: could not be read',
  alive: ':large_green_circle: alive',
  unlocked: ':white_circle: unlocked',
};

const MAX_EVIDENCE_PER_LOCK = 5;
const MAX_SENTENCE = 400;
const MAX_WATCHERS = 5;

function lockText(lock: LockView): string {
  const head = `Lock ${code(lock.id)} held by ${code(lock.locker)} at ${code(lock.address)} — *${lock.verdict}*`;
  const shown = lock.evidence.slice(0, MAX_EVIDENCE_PER_LOCK).map((e) => `      ◦ ${escapeText(truncate(e, MAX_SENTENCE))}`);
  const left = lock.evidence.length - shown.length;
  if (left > 0) shown.push(`      ◦ …and ${plural(left, 'more fact')}`);
  return [head, ...shown].join('\n');
}

function watcherText(disk: DiskView): string {
  if (disk.watchers.length === 0) return 'Watchers: none';
  const shown = disk.watchers.slice(0, MAX_WATCHERS).map((w) => `${code(w.address)} (client.${escapeText(w.client)}, cookie ${escapeText(w.cookie)})`);
  const left = disk.watchers.length - shown.length;
  return `Watchers: ${shown.join(', ')}${left > 0 ? `, …and ${left} more` : ''}`;
}

function countLocks(locks: readonly LockView[]): string {
  const counts = new Map<string, number>();
  for (const l of locks) counts.set(l.verdict, (counts.get(l.verdict) ?? 0) + 1);
  return [...counts].map(([verdict, n]) => `${n} ${verdict}`).join(', ');
}

export function renderDisk(disk: DiskView): string {
  const role = disk.role === 'volume' && disk.volumeId ? `volume ${code(disk.volumeId)}` : escapeText(disk.role);
  const head = [`*${code(disk.image)}* · ${role} · ${DISK_VERDICT_LABEL[disk.verdict]}`];
  if (disk.error !== null) head.push(`:x: ${escapeText(truncate(disk.error, MAX_SENTENCE))}`);
  if (disk.objectMapInvalid) head.push(':warning: object map invalid (the fix rebuilds it)');
  const watchers = watcherText(disk);
  // Keep room for the watcher line, which says whose watches keep a lock alive.
  const budget = SLACK_LIMITS.sectionText - watchers.length - 1;
  const body = fitLines([...head, ...disk.locks.map(lockText)], budget, (left) => {
    const rest = disk.locks.slice(Math.max(0, disk.locks.length - left));
    return `…and ${plural(left, 'more lock')}: ${countLocks(rest)}`;
  });
  return `${body}\n${watchers}`;
}

/** "…and 37 more disks: 35 unlocked, 2 alive" */
export function summariseDisks(disks: readonly DiskView[]): string {
  const counts = new Map<DiskVerdict, number>();
  for (const d of disks) counts.set(d.verdict, (counts.get(d.verdict) ?? 0) + 1);
  const parts = [...counts].map(([verdict, n]) => `${n} ${verdict}`);
  return `…and ${plural(disks.length, 'more disk')}: ${parts.join(', ')}`;
}
