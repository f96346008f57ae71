import { describe, expect, it } from 'vitest';
import { buildApprovalMessage } from '../../src/adapters/slack/blocks/approval-blocks.js';
import { toApprovalView } from '../../src/adapters/slack/blocks/approval-view.js';
import { buildIncidentMessage } from '../../src/adapters/slack/blocks/incident-blocks.js';
import { buildInspectOutcomeMessage } from '../../src/adapters/slack/blocks/inspect-outcome.js';
import type { FixStep } from '../../src/core/fix-plan-types.js';
import { parseImageSpec, parseLockId, type ImageSpec } from '../../src/core/ids.js';
import type { DiskReport, LockAssessment } from '../../src/core/report.js';
import { slackLimitViolations } from './slack-limits-check.js';
import { disk, fixRequest, instanceId, liveLock, report, runSteps, stalePlan, staleLock } from './samples.js';

function image(i: number): ImageSpec {
  const r = parseImageSpec(`volumes/volume-${String(i).padStart(8, '0')}-8a3b-4e6f-9c0d-1b2a3c4d5e6f`);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function lockOn(spec: ImageSpec, n: number, evidence: string[]): LockAssessment {
  const id = parseLockId(`auto ${140479119252688 + n}`);
  if (!id.ok) throw new Error(id.error);
  return { ...staleLock(spec), lock: { ...staleLock(spec).lock, id: id.value }, evidence };
}

function sectionTexts(blocks: unknown[]): string[] {
  return blocks.flatMap((b) => (typeof b === 'object' && b !== null && 'text' in b && typeof b.text === 'object' && b.text !== null && 'text' in b.text && typeof b.text.text === 'string' ? [b.text.text] : []));
}

const veryLong = `no watcher has address 127.0.0.1:0/2293725923 ${'and the evidence goes on & on <with> details '.repeat(200)}`;

describe('Slack limits of the report', () => {
  it('summarises 200 disks within 50 blocks, stale disks first, naming what was left out', () => {
    const disks: DiskReport[] = Array.from({ length: 200 }, (_, i) => disk(image(i), i === 150 ? [lockOn(image(i), 0, ['no watcher'])] : i % 50 === 7 ? [liveLock(image(i))] : []));
    const msg = buildInspectOutcomeMessage({ kind: 'report', report: report('stale', disks), plan: stalePlan() });
    expect(slackLimitViolations(msg)).toEqual([]);
    expect(msg.blocks.length).toBe(50);
    const texts = sectionTexts(msg.blocks);
    const firstDisk = texts.find((t) => t.startsWith('*`volumes/'));
    expect(firstDisk).toContain(image(150));
    const summary = texts.find((t) => t.startsWith('…and '));
    expect(summary).toMatch(/^…and \d+ more disks: \d+ unlocked(, \d+ alive)?$/);
    const shown = texts.filter((t) => t.startsWith('*`volumes/')).length;
    expect(Number(/^…and (\d+)/.exec(summary ?? '')?.[1])).toBe(200 - shown);
    expect(msg.blocks.some((b) => b.type === 'actions')).toBe(true);
  });

  it('keeps 300 locks of one disk within one section of 3000 characters, counting the rest', () => {
    const spec = image(1);
    const locks = Array.from({ length: 300 }, (_, n) => lockOn(spec, n, ['no watcher has address 127.0.0.1:0/2293725923', 'compute-2 is down']));
    const msg = buildInspectOutcomeMessage({ kind: 'report', report: report('stale', [disk(spec, locks)]), plan: stalePlan() });
    expect(slackLimitViolations(msg)).toEqual([]);
    const diskText = sectionTexts(msg.blocks).find((t) => t.startsWith('*`volumes/')) ?? '';
    expect(diskText.length).toBeLessThanOrEqual(3000);
    expect(diskText).toMatch(/…and \d+ more locks: \d+ stale\nWatchers: none$/);
  });

  it('cuts very long evidence without breaking escapes and says how much is left', () => {
    const spec = image(2);
    const r = report('stale', [disk(spec, [lockOn(spec, 0, Array.from({ length: 30 }, () => veryLong))])], { evidence: Array.from({ length: 40 }, () => veryLong) });
    const msg = buildInspectOutcomeMessage({ kind: 'report', report: r, plan: stalePlan() });
    expect(slackLimitViolations(msg)).toEqual([]);
    expect(sectionTexts(msg.blocks).join('\n')).toContain('more sentences');
  });

  it('shows a plan of 300 steps in a bounded number of sections and points at the full plan', () => {
    const spec = image(3);
    const plan: FixStep[] = Array.from({ length: 300 }, (_, n) => {
      const id = parseLockId(`auto ${140479119252688 + n}`);
      if (!id.ok) throw new Error(id.error);
      const s = stalePlan()[2];
      if (s?.step !== 'break') throw new Error('sample plan changed');
      return { ...s, image: spec, lockId: id.value, argv: ['rbd', '--id', 'vmlocks', 'lock', 'rm', spec, id.value, 'client.14326'] };
    });
    const msg = buildInspectOutcomeMessage({ kind: 'report', report: report('stale', [disk(spec, [lockOn(spec, 0, ['x'])])]), plan });
    expect(slackLimitViolations(msg)).toEqual([]);
    expect(sectionTexts(msg.blocks).join('\n')).toContain(`vmlocks inspect ${instanceId} --json`);
    const approval = buildApprovalMessage(toApprovalView(fixRequest({ plan })));
    expect(slackLimitViolations(approval)).toEqual([]);
    expect(approval.blocks.some((b) => b.type === 'actions')).toBe(true);
  });

  it('keeps the approval message and the finished event within limits for a long run', () => {
    const request = fixRequest({ state: 'failed', evidence: Array.from({ length: 50 }, () => veryLong), outcome: veryLong, lastStep: 'break' });
    const steps = Array.from({ length: 400 }, (_, i) => ({ ...runSteps(request.id, 1)[0]!, seq: i, detail: veryLong }));
    expect(slackLimitViolations(buildApprovalMessage(toApprovalView(request, steps)))).toEqual([]);
    expect(slackLimitViolations(buildIncidentMessage({ kind: 'finished', request, steps }))).toEqual([]);
  });
});
