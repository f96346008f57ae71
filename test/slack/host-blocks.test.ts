import { describe, expect, it } from 'vitest';
import { buildHostMessage } from '../../src/adapters/slack/blocks/host-blocks.js';
import { ACTION_IDS } from '../../src/adapters/slack/action-ids.js';
import { summariseHost, type HostInstanceResult } from '../../src/core/host-summary.js';
import { parseInstanceId, type InstanceId } from '../../src/core/ids.js';
import { err, ok } from '../../src/core/result.js';
import type { ComputeServiceView } from '../../src/core/snapshot.js';
import { expectGolden } from './golden.js';
import { slackLimitViolations } from './slack-limits-check.js';
import { disk, liveLock, report, rootDisk, staleLock } from './samples.js';

const at = '2026-11-25T02:20:00Z';
const down: ComputeServiceView = { host: 'compute-1', state: 'down', status: 'enabled', forcedDown: false, updatedAt: '2026-11-25T02:14:07Z', disabledReason: null };

function id(n: number): InstanceId {
  const r = parseInstanceId(`00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function results(staleCount: number): HostInstanceResult[] {
  const out: HostInstanceResult[] = [];
  for (let n = 0; n < staleCount; n++) out.push({ id: id(n), name: `web-${n}`, status: 'ACTIVE', report: ok(report('stale', [disk(rootDisk, [staleLock()])])) });
  out.push({ id: id(900), name: 'db-1', status: 'ACTIVE', report: ok(report('alive', [disk(rootDisk, [liveLock()])])) });
  out.push({ id: id(901), name: 'cache-1', status: 'SHUTOFF', report: ok(report('unlocked', [disk(rootDisk, [])])) });
  out.push({ id: id(902), name: 'batch-1', status: 'ACTIVE', report: err('rbd: timed out after 10 s reading vms/…_disk') });
  return out;
}

describe('the /vmlocks host answer', () => {
  it('puts stale instances first, each with its own Request fix button, then the others by verdict (golden)', () => {
    const msg = buildHostMessage({ kind: 'host_report', summary: summariseHost('compute-1', ok(down), results(2), at) });
    expect(slackLimitViolations(msg)).toEqual([]);
    expect(msg.text).toBe('`compute-1`: 5 instances (2 stale, 1 not read, 1 alive, 1 unlocked)');
    const buttons = msg.blocks.flatMap((b) => ('accessory' in b && b.accessory && 'action_id' in b.accessory ? [b.accessory] : []));
    expect(buttons.map((b) => ('value' in b ? b.value : ''))).toEqual([JSON.stringify({ instanceId: id(0) }), JSON.stringify({ instanceId: id(1) })]);
    expect(buttons.every((b) => b.action_id === ACTION_IDS.requestFix)).toBe(true);
    expectGolden('host-report', msg);
  });

  it('stays within Slack limits for a host of 300 instances, 120 of them stale', () => {
    const msg = buildHostMessage({ kind: 'host_report', summary: summariseHost('compute-1', ok(down), results(120).concat(results(0).slice(0, 1)), at) });
    expect(slackLimitViolations(msg)).toEqual([]);
    expect(JSON.stringify(msg.blocks)).toMatch(/…and \d+ more instances/);
  });

  it('says when Nova knows no such host', () => {
    const msg = buildHostMessage({ kind: 'host_not_found', host: 'compute-9' });
    expect(msg.text).toBe('NOT FOUND: no compute host `compute-9`');
  });

  it('reports a host whose service could not be read as state unknown, with the reason', () => {
    const s = summariseHost('compute-1', err('Nova timed out'), results(0), at);
    expect(s.hostState).toBe('unknown');
    expect(s.evidence).toEqual(["could not read compute-1's nova-compute service: Nova timed out"]);
  });
});
