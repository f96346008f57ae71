// The evacuation through the NovaPort against Nova's recorded answers (test/fixtures/nova/evacuate-*,
// os-migrations-evacuation-*, recorded by scripts/nova-lab/capture-evacuate.ts): the microversion, Nova's
// refusals turned into what to do, and the wait that follows the migration record.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NovaApiError, type NovaClient } from '../../../src/adapters/openstack/index.js';
import { evacuateMicroversion } from '../../../src/adapters/openstack/evacuation.js';
import { fakeNovaClient, instanceId as id } from '../../support/fake-nova-client.js';
import { fixture, startFakeNova, type FakeNova } from '../../support/fake-nova-server.js';

const VM2 = id('b7098cda-6a1f-4228-80c5-2871b83a9639'); // vm-2 on compute-1 in servers-detail.mv2.93.json

let fake: FakeNova;
beforeEach(async () => {
  fake = await startFakeNova();
});
afterEach(async () => {
  await fake.close();
});

function client(microversion = '2.93'): Promise<NovaClient> {
  return fakeNovaClient(fake, { microversion, poll: { intervalMs: 10, maxIntervalMs: 20 } });
}

/** Nova's 409 body for an invalid state (nova/api/openstack/common.py raise_http_conflict_for_instance_invalid_state). */
function conflict(attr: string, state: string) {
  const recorded = fixture('evacuate-409-paused.mv2.93.json') as { conflictingRequest: { code: number; message: string } };
  const message = `Cannot 'evacuate' instance ${VM2} while it is in ${attr} ${state}`;
  expect(recorded.conflictingRequest.message).toMatch(/^Cannot 'evacuate' instance \S+ while it is in vm_state paused$/);
  return { conflictingRequest: { ...recorded.conflictingRequest, message } };
}

describe('evacuate', () => {
  it.each([
    ['2.93', '2.93'], ['2.94', '2.94'], ['2.95', '2.94'], ['2.100', '2.94'], ['2.68', '2.68'], ['2.67', null], ['2.1', null],
  ])('speaks %s as %s: at least 2.68 (no force), below 2.95 (which evacuates to STOPPED)', (server, chosen) => {
    expect(evacuateMicroversion(server)).toBe(chosen);
  });

  it('sends {"evacuate":{}} at the chosen microversion and returns Nova\'s 200 as an HttpRecord', async () => {
    const nova = await client();
    const record = await nova.evacuate(VM2);
    expect(record).toMatchObject({ method: 'POST', path: `/servers/${VM2}/action`, status: 200, body: { evacuate: {} } });
    expect(record.requestId).toMatch(/^req-/);
    expect(fake.requests.at(-1)).toMatchObject({ body: { evacuate: {} }, microversion: 'compute 2.93' });
  });

  it('refuses below microversion 2.68 without sending anything', async () => {
    const nova = await client('2.60');
    const e = await nova.evacuate(VM2).catch((x: unknown) => x);
    expect(e).toMatchObject({ name: 'NovaApiError', code: 'unsupported' });
    expect((e as NovaApiError).userMessage).toMatch(/up to 2\.60; vmlocks evacuates at 2\.68 or later/);
    expect(fake.requests.some((r) => r.method === 'POST' && r.path.includes('/action'))).toBe(false);
  });

  it('explains the 400 of a source whose nova-compute is still up: wait for the down verdict or force it down', async () => {
    const nova = await client();
    fake.override('POST', /action$/, { status: 400, json: fixture('evacuate-400-source-up.mv2.93.json') });
    const e = await nova.evacuate(VM2).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NovaApiError);
    expect(e).toMatchObject({ status: 400, apiMessage: 'Compute service of compute-1 is still in use.' });
    const text = (e as NovaApiError).userMessage;
    expect(text).toContain('the nova-compute service of compute-1 is still up');
    expect(text).toContain('openstack compute service set --down compute-1 nova-compute');
    expect(text).toContain('vmlocks restarted nothing');
  });

  it('gives the exact way out when an older Nova refuses an instance stuck in HARD_REBOOT (409)', async () => {
    const nova = await client();
    fake.override('POST', /action$/, { status: 409, json: conflict('task_state', 'rebooting_hard') });
    const e = await nova.evacuate(VM2).catch((x: unknown) => x);
    const text = (e as NovaApiError).userMessage;
    expect(e).toMatchObject({ status: 409 });
    expect(text).toContain(`\`openstack server set --state error ${VM2}\`, then \`openstack server evacuate ${VM2}\``);
    expect(text).toMatch(/Launchpad bug 1978983/);
    expect(text).toMatch(/vmlocks does not reset states itself/);
  });

  it('explains the recorded 409 of a paused instance', async () => {
    const nova = await client();
    fake.override('POST', /action$/, { status: 409, json: fixture('evacuate-409-paused.mv2.93.json') });
    const e = await nova.evacuate(VM2).catch((x: unknown) => x);
    expect((e as NovaApiError).userMessage).toMatch(/^Nova evacuates only active, stopped or error instances, and \S+ is paused/);
  });
});

describe('waitForEvacuation', () => {
  const opts = { sourceHost: 'compute-1', afterMigrationId: 0, expectStopped: false, timeoutMs: 5000 };

  it('follows the migration record from accepted to done and the server to another host', async () => {
    const nova = await client();
    fake.scriptEvacuation(VM2, ['accepted', 'pre-migrating', 'pre-migrating', 'done']);
    fake.patchServer(VM2, (s) => ({ ...s, status: 'REBUILD', 'OS-EXT-STS:task_state': 'rebuilding' }));
    // the rebuild finishes on compute-2 while the record is still pre-migrating (as the lab showed)
    const moved = setInterval(() => {
      if (fake.requests.filter((r) => r.path.startsWith('/v2.1/os-migrations')).length >= 3) {
        fake.patchServer(VM2, (s) => ({ ...s, 'OS-EXT-SRV-ATTR:host': 'compute-2' }));
      }
    }, 2);
    const o = await nova.waitForEvacuation(VM2, opts).finally(() => clearInterval(moved));
    expect(o).toMatchObject({ reached: true, failed: false, server: { host: 'compute-2', status: 'ACTIVE' }, migration: { status: 'done', sourceCompute: 'compute-1', destCompute: 'compute-2' } });
    expect(o.transitions[0]).toBe('migration accepted, server REBUILD/rebuilding on compute-1');
    expect(o.transitions.at(-1)).toBe('migration done, server ACTIVE on compute-2');
    expect(fake.requests.filter((r) => r.path.startsWith('/v2.1/os-migrations')).every((r) => r.path.includes(`instance_uuid=${VM2}`) && r.path.includes('migration_type=evacuation'))).toBe(true);
  });

  it('does not call an ACTIVE server on its old host evacuated, nor an older record done', async () => {
    const nova = await client();
    fake.scriptEvacuation(VM2, ['done']);
    const stale = await nova.waitForEvacuation(VM2, { ...opts, timeoutMs: 200 });
    expect(stale).toMatchObject({ reached: false, failed: false, server: { host: 'compute-1' } });
    const recorded = (fixture('os-migrations-evacuation-done.mv2.93.json') as { migrations: Array<{ id: number }> }).migrations[0]?.id ?? 0;
    const older = await nova.waitForEvacuation(VM2, { ...opts, afterMigrationId: recorded, timeoutMs: 200 });
    expect(older).toMatchObject({ reached: false, migration: null });
  });

  it('stops at once when the record ends in error', async () => {
    const nova = await client();
    const done = fixture('os-migrations-evacuation-done.mv2.93.json') as { migrations: Array<Record<string, unknown>> };
    fake.override('GET', /os-migrations/, { status: 200, json: { migrations: done.migrations.map((m) => ({ ...m, instance_uuid: VM2, status: 'error', dest_compute: null })) } }, 5);
    const o = await nova.waitForEvacuation(VM2, { ...opts, timeoutMs: 60_000 });
    expect(o).toMatchObject({ reached: false, failed: true, migration: { status: 'error' } });
  });

  it('names the policy rule when the migration listing is denied', async () => {
    const nova = await client();
    const message = "Policy doesn't allow os_compute_api:os-migrations:index to be performed.";
    fake.override('GET', /os-migrations/, { status: 403, json: { forbidden: { code: 403, message } } });
    const e = await nova.listEvacuations(VM2).catch((x: unknown) => x);
    expect((e as NovaApiError).userMessage).toMatch(/policy rule os_compute_api:os-migrations:index denies it/);
  });
});
