import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { endpointOf } from '../../../src/adapters/openstack/keystone-auth.js';
import { createKeystoneAuth, OpenStackConfigError, type OpenStackCredentials } from '../../../src/adapters/openstack/index.js';
import { KeystoneTokenBody } from '../../../src/adapters/openstack/keystone-schemas.js';
import { fixture, startFakeNova, type FakeNova } from '../../support/fake-nova-server.js';

let fake: FakeNova;
beforeEach(async () => {
  fake = await startFakeNova({ tokenLifetimeMs: 3_600_000 });
});
afterEach(async () => {
  await fake.close();
});

function credentials(method: OpenStackCredentials['method']): OpenStackCredentials {
  return { authUrl: fake.authUrl, method, regionName: 'RegionOne', interface: 'public', caCert: null, insecure: false, source: 'test' };
}
const password: OpenStackCredentials['method'] = { type: 'password', user: { name: 'vmlocks', domain: { id: 'default' } }, password: 'pw', project: { name: 'vmlocks', domain: { id: 'default' } } };

describe('Keystone auth', () => {
  it('shares one token between concurrent callers and reuses it while fresh', async () => {
    const auth = createKeystoneAuth({ credentials: credentials(password) });
    const [a, b] = await Promise.all([auth.token(), auth.token()]);
    expect(a.value).toBe(b.value);
    expect((await auth.token()).value).toBe(a.value);
    expect(fake.tokensIssued()).toBe(1);
  });

  it('re-issues the token shortly before it expires, by its lifetime and not the two hosts\' clocks', async () => {
    let clock = 1_000_000;
    const auth = createKeystoneAuth({ credentials: credentials(password), now: () => clock, refreshMarginMs: 60_000 });
    const first = await auth.token();
    clock += 3_600_000 - 61_000; // one hour lifetime, 61 s before its end
    expect((await auth.token()).value).toBe(first.value);
    clock += 2_000; // now inside the last minute
    expect((await auth.token()).value).not.toBe(first.value);
    expect(fake.tokensIssued()).toBe(2);
  });

  it('forgets an invalidated token', async () => {
    const auth = createKeystoneAuth({ credentials: credentials(password) });
    const first = await auth.token();
    auth.invalidate(first);
    expect((await auth.token()).value).not.toBe(first.value);
  });

  it('scopes a password token to another project on request, by the project\'s id', async () => {
    const auth = createKeystoneAuth({ credentials: credentials(password) });
    await auth.token();
    const other = await auth.tokenForProject('0123456789abcdef0123456789abcdef');
    expect(other).not.toBeNull();
    expect(fake.requests.at(-1)?.body).toMatchObject({ auth: { scope: { project: { id: '0123456789abcdef0123456789abcdef' } } } });
  });

  it('cannot scope an application credential anywhere else: it is bound to its project', async () => {
    const auth = createKeystoneAuth({ credentials: credentials({ type: 'application_credential', id: 'a1', secret: 's' }) });
    expect(await auth.tokenForProject('0123456789abcdef0123456789abcdef')).toBeNull();
    expect(fake.requests.at(-1)?.body).toEqual({ auth: { identity: { methods: ['application_credential'], application_credential: { id: 'a1', secret: 's' } } } });
  });

  it('finds the compute endpoint of the catalog for the region and interface', async () => {
    const auth = createKeystoneAuth({ credentials: credentials(password) });
    expect(await auth.endpoint('compute')).toBe(`${fake.authUrl.replace(/\/v3$/, '')}/v2.1`);
  });
});

describe('endpointOf', () => {
  const catalog = KeystoneTokenBody.parse(fixture('keystone-token-password.json')).token.catalog ?? [];

  it('takes the endpoint of the interface in the region, without a trailing slash', () => {
    expect(endpointOf(catalog, 'identity', { regionName: 'RegionOne', interface: 'internal' })).toBe('http://127.0.0.1:5000/v3');
    expect(endpointOf(catalog, 'compute', { regionName: null, interface: 'public' })).toBe('http://127.0.0.1:8774/v2.1');
  });

  it('names OS_REGION_NAME when the region has no endpoint, and OS_INTERFACE when the interface is missing', () => {
    const wrongRegion = (): string => endpointOf(catalog, 'compute', { regionName: 'RegionTwo', interface: 'public' });
    expect(wrongRegion).toThrow(OpenStackConfigError);
    expect(wrongRegion).toThrow(/^OS_REGION_NAME: no public endpoint for compute in region RegionTwo; the catalog offers public in RegionOne$/);
    expect(() => endpointOf(catalog, 'compute', { regionName: 'RegionOne', interface: 'internal' })).toThrow(/^OS_INTERFACE: /);
    expect(() => endpointOf(catalog, 'volumev3', { regionName: null, interface: 'public' })).toThrow(/no "volumev3" service/);
  });
});
