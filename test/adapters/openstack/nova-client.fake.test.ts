// The NovaPort against the recorded Nova responses (test/support/fake-nova-server.ts), for what the real lab
// cannot produce: revoked tokens, 5xx, slow and malformed answers, attached volumes, boot from volume.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KeystoneError, NovaApiError, OpenStackTimeoutError, type NovaClient } from '../../../src/adapters/openstack/index.js';
import { fakeNovaClient, instanceId as id } from '../../support/fake-nova-client.js';
import { fixture, startFakeNova, type FakeNova } from '../../support/fake-nova-server.js';

// ids of the recorded servers (servers-detail.mv2.93.json)
const VM1 = id('5fbe441f-0b86-48ed-a816-c0622607bef7'); // vm-1 on compute-2
const VM2 = id('b7098cda-6a1f-4228-80c5-2871b83a9639'); // vm-2 on compute-1

let fake: FakeNova;
beforeEach(async () => {
  fake = await startFakeNova();
});
afterEach(async () => {
  await fake.close();
});

function client(opts: { timeoutMs?: number; password?: string; pageSize?: number } = {}): Promise<NovaClient> {
  return fakeNovaClient(fake, { ...opts, poll: { intervalMs: 20, maxIntervalMs: 50 } });
}

const novaCalls = () => fake.requests.filter((r) => r.path.startsWith('/v2.1'));

describe('Nova client on recorded answers', () => {
  it('gets a new token once when Nova refuses a revoked one mid-session, and keeps it', async () => {
    const nova = await client();
    expect(await nova.getComputeService('compute-1')).toMatchObject({ host: 'compute-1', state: 'up', forcedDown: false });
    fake.revokeTokens();
    expect(await nova.getComputeService('compute-2')).toMatchObject({ host: 'compute-2', state: 'up' });
    await nova.getComputeService('compute-2');
    expect(fake.tokensIssued()).toBe(2);
    expect(novaCalls().map((r) => r.token === null)).toEqual([false, false, false, false]);
  });

  it('fails with a 401 that points at the credentials when a fresh token is refused too', async () => {
    const nova = await client();
    fake.override('GET', /os-services/, { status: 401, json: fixture('error-401-invalid-token.json') }, 2);
    const e = await nova.getComputeService('compute-1').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NovaApiError);
    expect(e).toMatchObject({ status: 401, method: 'GET', apiMessage: 'The request you have made requires authentication.' });
    expect((e as NovaApiError).userMessage).toMatch(/credentials/);
    expect(fake.tokensIssued()).toBe(2);
  });

  it('reports a 500 with Nova\'s request id and says to look it up in nova-api\'s log', async () => {
    const nova = await client();
    fake.override('GET', /servers\/detail/, { status: 500, json: { computeFault: { code: 500, message: 'Unexpected API Error.' } } });
    const e = await nova.getServer(VM1).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NovaApiError);
    const err = e as NovaApiError;
    expect(err).toMatchObject({ code: 'http_status', status: 500, apiMessage: 'Unexpected API Error.' });
    expect(err.requestId).toMatch(/^req-/);
    expect(err.userMessage).toContain(err.requestId ?? 'missing');
    expect(err.path).toBe(`/servers/detail?all_tenants=1&uuid=${VM1}&limit=500`);
  });

  it('reports a 503 page from a proxy as Nova being unavailable', async () => {
    const nova = await client();
    fake.override('GET', /os-hypervisors/, { status: 503, text: '<html><body><h1>503 Service Unavailable</h1></body></html>' });
    const e = await nova.listHypervisors().catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 503, apiMessage: '503 Service Unavailable' });
    expect((e as NovaApiError).userMessage).toMatch(/unavailable .* try again in a minute/i);
  });

  it('gives up on a slow answer after its timeout with an error naming the method and path', async () => {
    const nova = await client({ timeoutMs: 300 });
    await nova.getComputeService('compute-1'); // token and first call outside the slow one
    fake.override('GET', /os-services/, { status: 200, json: fixture('os-services-nova-compute.mv2.93.json'), delayMs: 3000 });
    const started = performance.now();
    const e = await nova.getComputeService('compute-1').catch((x: unknown) => x);
    expect(performance.now() - started).toBeLessThan(2500); // generous bound: the timeout is 300 ms
    expect(e).toBeInstanceOf(OpenStackTimeoutError);
    expect(e).toMatchObject({ service: 'Nova', method: 'GET', path: '/os-services?binary=nova-compute&host=compute-1', timeoutMs: 300 });
    expect((e as OpenStackTimeoutError).userMessage).toMatch(/within 300 ms\. Nothing was changed/);
  });

  it('times out a slow Keystone too', async () => {
    const nova = await client({ timeoutMs: 300 });
    fake.override('POST', /auth\/tokens/, { status: 201, json: {}, delayMs: 3000 });
    await expect(nova.getComputeService('compute-1')).rejects.toMatchObject({ name: 'OpenStackTimeoutError', service: 'Keystone', path: '/auth/tokens' });
  });

  it('refuses a malformed body with a coded error and an excerpt, and a body that is not JSON', async () => {
    const nova = await client();
    fake.override('GET', /os-services/, { status: 200, json: { services: [{ host: 'compute-1', state: 'sideways' }] } });
    const e = await nova.getComputeService('compute-1').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NovaApiError);
    expect(e).toMatchObject({ code: 'bad_response', status: 200 });
    expect((e as NovaApiError).apiMessage).toMatch(/^services\.0\.binary: .*; body: \{"services"/);
    fake.override('GET', /os-services/, { status: 200, text: 'OK' });
    await expect(nova.getComputeService('compute-1')).rejects.toMatchObject({ code: 'bad_response', apiMessage: 'the body is not JSON; body: OK' });
  });

  it('reads attached volumes and a boot-from-volume root', async () => {
    const nova = await client();
    fake.patchServer(VM1, (s) => ({ ...s, image: '', 'os-extended-volumes:volumes_attached': [
      { id: '0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9', delete_on_termination: false },
      { id: '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a', delete_on_termination: true },
    ] }));
    const s = await nova.getServer(VM1);
    expect(s.volumeIds).toEqual(['0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9', '9f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a']);
    expect(s.bootFromVolume).toBe(true);
    expect((await nova.getServer(VM2)).bootFromVolume).toBe(false);
  });

  it('says it does not know the attached volumes when Nova leaves os-extended-volumes:volumes_attached out', async () => {
    const nova = await client();
    fake.patchServer(VM1, (s) => {
      const { 'os-extended-volumes:volumes_attached': _left, ...rest } = s;
      return rest;
    });
    expect((await nova.getServer(VM1)).volumeIds).toBeNull();
    fake.patchServer(VM1, (s) => ({ ...s, 'os-extended-volumes:volumes_attached': [] }));
    expect((await nova.getServer(VM1)).volumeIds).toEqual([]);
  });

  it('explains a 409 as another task in progress on the server', async () => {
    const nova = await client();
    // nova/exception.py InstanceInvalidState, as the lab wrote it for back-to-back reboots (reboot_pending_hard)
    const message = `Cannot 'reboot' instance ${VM1} while it is in task_state rebooting_hard`;
    fake.override('POST', /action$/, { status: 409, json: { conflictingRequest: { code: 409, message } } });
    const e = await nova.hardReboot(VM1).catch((x: unknown) => x);
    expect(e).toMatchObject({ status: 409, apiMessage: message, method: 'POST', path: `/servers/${VM1}/action` });
    expect((e as NovaApiError).userMessage).toMatch(/another task \(rebooting_hard\) is in progress on the server/);
  });

  it('explains a 403 by the policy rule the user lacks', async () => {
    const nova = await client();
    const message = "Policy doesn't allow os_compute_api:os-hypervisors:list-detail to be performed.";
    fake.override('GET', /os-hypervisors/, { status: 403, json: { forbidden: { code: 403, message } } });
    const e = await nova.listHypervisors().catch((x: unknown) => x);
    expect((e as NovaApiError).userMessage).toMatch(/policy rule os_compute_api:os-hypervisors:list-detail denies it/);
    expect((e as NovaApiError).userMessage).toContain('docs/openstack-policy.md');
  });

  it('follows servers_links page by page and keeps only the host asked for', async () => {
    const nova = await client({ pageSize: 2 });
    const servers = await nova.listServersOnHost('compute-1');
    expect(servers.map((s) => s.name)).toEqual(['vm-3', 'pinned-compute-1', 'vm-2']);
    // the second page starts after the last server of the first (pinned-compute-1)
    expect(novaCalls().map((r) => new URL(r.path, 'http://x').searchParams.get('marker'))).toEqual([null, '613382af-4f76-411d-9dbd-7f640aa9b176']);
    expect(novaCalls().every((r) => r.microversion === 'compute 2.93')).toBe(true);
  });

  it('refuses to trust a listing where Nova ignored the host filter (no allow_all_filters)', async () => {
    const nova = await client();
    fake.override('GET', /servers\/detail/, { status: 200, json: fixture('servers-detail.mv2.93.json') });
    const e = await nova.listServersOnHost('compute-1').catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'insufficient_view' });
    expect((e as NovaApiError).userMessage).toMatch(/os_compute_api:servers:allow_all_filters/);
  });

  it('says which policy hides the host when Nova leaves OS-EXT-SRV-ATTR:host out', async () => {
    const nova = await client();
    fake.patchServer(VM1, (s) => Object.fromEntries(Object.entries(s).filter(([k]) => !k.startsWith('OS-EXT-SRV-ATTR:'))));
    const e = await nova.getServer(VM1).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'insufficient_view' });
    expect((e as NovaApiError).userMessage).toMatch(/os_compute_api:os-extended-server-attributes/);
  });

  it('lists the hypervisors with their hosts, IPs and states, and null for a compute service Nova does not know', async () => {
    const nova = await client();
    expect(await nova.listHypervisors()).toEqual([
      { hypervisorHostname: 'compute-1', host: 'compute-1', hostIp: '127.0.0.1', state: 'up' },
      { hypervisorHostname: 'compute-2', host: 'compute-2', hostIp: '127.0.0.1', state: 'up' },
    ]);
    expect(await nova.getComputeService('compute-9')).toBeNull();
  });

  it('lists every nova-compute service in one request, heartbeats as UTC ISO times', async () => {
    const nova = await client();
    const services = await nova.listComputeServices();
    expect(services.map((s) => [s.host, s.state, s.forcedDown, s.updatedAt])).toEqual([
      ['compute-1', 'up', false, '2026-11-24T23:46:34.000Z'],
      ['compute-2', 'up', false, '2026-11-24T23:46:34.000Z'],
    ]);
    expect(fake.requests.filter((r) => r.path.startsWith('/v2.1/os-services')).map((r) => r.path)).toEqual(['/v2.1/os-services?binary=nova-compute']);
  });

  it('returns the reboot as an HttpRecord for the audit log', async () => {
    const nova = await client();
    const record = await nova.hardReboot(VM2);
    expect(record).toMatchObject({ method: 'POST', path: `/servers/${VM2}/action`, status: 202, body: { reboot: { type: 'HARD' } } });
    expect(record.requestId).toMatch(/^req-/);
    expect(fake.requests.at(-1)?.body).toEqual({ reboot: { type: 'HARD' } });
  });

  it('keeps waiting through a 503 until the server is ACTIVE and running', async () => {
    const nova = await client();
    fake.override('GET', /servers\/detail/, { status: 503, text: 'Service Unavailable' });
    fake.patchServer(VM2, (s) => ({ ...s, status: 'HARD_REBOOT', 'OS-EXT-STS:task_state': 'rebooting_hard' }));
    setTimeout(() => fake.patchServer(VM2, (s) => s), 150);
    const outcome = await nova.waitForActive(VM2, { timeoutMs: 10_000 });
    expect(outcome.reached).toBe(true);
    expect(outcome.transitions).toEqual(['HARD_REBOOT/rebooting_hard', 'ACTIVE']);
  });

  it('reports the last state seen when the server does not become ACTIVE in time', async () => {
    const nova = await client();
    fake.patchServer(VM2, (s) => ({ ...s, status: 'HARD_REBOOT', 'OS-EXT-STS:task_state': 'reboot_pending_hard' }));
    const outcome = await nova.waitForActive(VM2, { timeoutMs: 300 });
    expect(outcome).toMatchObject({ reached: false, transitions: ['HARD_REBOOT/reboot_pending_hard'], server: { status: 'HARD_REBOOT' } });
  });

  it('reports a wrong password as Keystone\'s 401 naming where the credentials came from', async () => {
    const nova = await client({ password: 'wrong-password' });
    const e = await nova.getComputeService('compute-1').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KeystoneError);
    expect(e).toMatchObject({ status: 401, path: '/auth/tokens' });
    expect((e as KeystoneError).userMessage).toMatch(/rejected the credentials from the OS_\* variables/);
  });
});
