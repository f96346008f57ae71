import { describe, expect, it } from 'vitest';
import { buildFixPlan } from '../../src/core/fix-plan.js';
import { parseInstanceRef } from '../../src/core/ids.js';
import { InspectJson, notFoundJson, toInspectJson } from '../../src/core/instance-json.js';
import { analyseLocks } from '../../src/core/lock-analysis.js';
import {
  infoFrom, locksFrom, must, serviceFrom, snapshotOf, specOf, watchersFrom,
} from './support/fixtures.js';

/** The seed case on vm-1's root disk (object map invalid; the host came back), next to a live Cinder volume. */
function staleReport() {
  return analyseLocks(snapshotOf({
    service: serviceFrom('os-services-nova-compute.mv2.93.json', 'compute-2'),
    disks: [
      { locks: locksFrom('lock-ls-stale-after-watch-timeout.json'), watchers: watchersFrom('qemu-holder-status.json'), info: infoFrom('info-object-map-invalid.json') },
      {
        image: specOf('volumes', 'volume-5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f'), role: 'volume', volumeId: '5d2f7c1e-8a3b-4e6f-9c0d-1b2a3c4d5e6f',
        locks: locksFrom('volume-lock-ls-stale.json'), watchers: watchersFrom('volume-status-after-crash.json'), info: infoFrom('info-clean.json'),
      },
    ],
  }));
}

describe('toInspectJson', () => {
  it('prints the contract of DESIGN.md §6 for a stale instance, as in the golden file', async () => {
    const report = staleReport();
    const json = toInspectJson(report, buildFixPlan(report));
    await expect(`${JSON.stringify(json, null, 2)}\n`).toMatchFileSnapshot('../fixtures/core/inspect-json-stale.golden.json');
  });

  it('keeps the contract fields in their places and passes its own schema', () => {
    const report = staleReport();
    const json = toInspectJson(report, buildFixPlan(report));
    expect(Object.keys(json).slice(0, 4)).toEqual(['instance', 'verdict', 'disks', 'plan']);
    expect(Object.keys(json.instance)).toEqual(['id', 'name', 'status', 'vmState', 'powerState', 'host', 'hostState']);
    expect(Object.keys(json.disks[0] ?? {}).slice(0, 4)).toEqual(['image', 'locks', 'watchers', 'objectMapInvalid']);
    expect(Object.keys(json.disks[0]?.locks[0] ?? {}).slice(0, 5)).toEqual(['id', 'locker', 'address', 'verdict', 'evidence']);
    expect(Object.keys(json.disks[0]?.watchers[0] ?? {})).toEqual(['address', 'client', 'cookie']);
    expect(json.plan.map((s) => Object.keys(s)[1] ?? 'description')).toEqual(['description', 'argv', 'argv', 'argv', 'request', 'request', 'description']);
    expect(InspectJson.parse(JSON.parse(JSON.stringify(json)))).toEqual(json);
  });

  it('prints an empty plan for a report that is not stale', () => {
    const report = analyseLocks(snapshotOf({ disks: [{ locks: locksFrom('lock-ls-live.json'), watchers: watchersFrom('status-live.json') }] }));
    const json = toInspectJson(report, buildFixPlan(report));
    expect(json.verdict).toBe('alive');
    expect(json.plan).toEqual([]);
  });
});

describe('notFoundJson', () => {
  it('prints verdict not_found in the same shape for a name', () => {
    const json = notFoundJson(must(parseInstanceRef('vm-404')));
    expect(json).toEqual({
      instance: { id: null, name: 'vm-404', status: null, vmState: null, powerState: null, host: null, hostState: 'unknown' },
      verdict: 'not_found', disks: [], plan: [], evidence: ['Nova has no instance named "vm-404"'], observedAt: null,
    });
    expect(InspectJson.parse(json)).toEqual(json);
  });

  it('prints the UUID it looked for', () => {
    const json = notFoundJson(must(parseInstanceRef('00000000-0000-0000-0000-000000000000')));
    expect(json.instance.id).toBe('00000000-0000-0000-0000-000000000000');
    expect(json.evidence).toEqual(['Nova has no instance 00000000-0000-0000-0000-000000000000']);
  });
});
