import { describe, expect, it } from 'vitest';
import { loadOpenStackCredentials, OpenStackConfigError } from '../../../src/adapters/openstack/index.js';
import type { ReadTextFile } from '../../../src/adapters/openstack/index.js';

const HOME = '/home/oncall';
const CWD = '/srv/vmlocks';

function files(map: Record<string, string>): ReadTextFile & { read: string[] } {
  const read: string[] = [];
  const fn = async (p: string) => {
    read.push(p);
    return map[p] ?? null;
  };
  return Object.assign(fn, { read });
}

const cloudsYaml = `
clouds:
  prod:
    auth:
      auth_url: https://keystone.example.com:5000/v3
      username: vmlocks
      project_name: ops
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
    interface: internal
  appcred:
    auth_type: v3applicationcredential
    auth:
      auth_url: https://keystone.example.com:5000
      application_credential_id: 3fa23efc874c47e588c1238b7300500f
      application_credential_secret: s3cret
`;

async function loadError(env: Record<string, string>, read: ReadTextFile = files({})): Promise<OpenStackConfigError> {
  const e: unknown = await loadOpenStackCredentials({ HOME, ...env }, read, CWD).then(() => null, (x: unknown) => x);
  expect(e).toBeInstanceOf(OpenStackConfigError);
  return e as OpenStackConfigError;
}

describe('loadOpenStackCredentials', () => {
  it('reads the cloud named by OS_CLOUD from OS_CLIENT_CONFIG_FILE with its password from secure.yaml', async () => {
    const read = files({
      '/etc/vmlocks/clouds.yaml': cloudsYaml,
      [`${HOME}/.config/openstack/secure.yaml`]: 'clouds:\n  prod:\n    auth:\n      password: from-secure\n',
    });
    const c = await loadOpenStackCredentials({ HOME, OS_CLOUD: 'prod', OS_CLIENT_CONFIG_FILE: '/etc/vmlocks/clouds.yaml' }, read, CWD);
    expect(c).toMatchObject({
      authUrl: 'https://keystone.example.com:5000/v3', regionName: 'RegionOne', interface: 'internal', insecure: false, caCert: null,
      method: { type: 'password', password: 'from-secure', user: { name: 'vmlocks', domain: { name: 'Default' } }, project: { name: 'ops', domain: { name: 'Default' } } },
    });
    expect(c.source).toBe('cloud "prod" in /etc/vmlocks/clouds.yaml');
  });

  it('takes the first clouds.yaml of the search path: the current directory, then ~/.config/openstack, then /etc/openstack', async () => {
    const other = cloudsYaml.replace('keystone.example.com', 'other.example.com');
    const read = files({ [`${HOME}/.config/openstack/clouds.yaml`]: cloudsYaml, '/etc/openstack/clouds.yaml': other });
    const c = await loadOpenStackCredentials({ HOME, OS_CLOUD: 'prod', OS_PASSWORD: 'pw' }, read, CWD);
    expect(c.authUrl).toBe('https://keystone.example.com:5000/v3');
    expect(read.read.slice(0, 4)).toEqual([`${CWD}/clouds.yaml`, `${CWD}/clouds.yml`, `${CWD}/clouds.json`, `${HOME}/.config/openstack/clouds.yaml`]);
  });

  it('lets OS_* variables override the cloud, as openstackclient options do', async () => {
    const read = files({ [`${CWD}/clouds.yaml`]: cloudsYaml });
    const c = await loadOpenStackCredentials({ HOME, OS_CLOUD: 'prod', OS_PASSWORD: 'pw', OS_REGION_NAME: 'RegionTwo' }, read, CWD);
    expect(c.regionName).toBe('RegionTwo');
    expect(c.method).toMatchObject({ type: 'password', password: 'pw' });
  });

  it('reads an application credential from clouds.yaml and appends /v3 to an unversioned auth_url', async () => {
    const c = await loadOpenStackCredentials({ HOME, OS_CLOUD: 'appcred' }, files({ [`${CWD}/clouds.yaml`]: cloudsYaml }), CWD);
    expect(c.authUrl).toBe('https://keystone.example.com:5000/v3');
    expect(c.method).toEqual({ type: 'application_credential', id: '3fa23efc874c47e588c1238b7300500f', secret: 's3cret' });
    expect(c.interface).toBe('public');
  });

  it('builds password credentials from the OS_* variables alone, with the default domain when none is given', async () => {
    const c = await loadOpenStackCredentials({
      HOME, OS_AUTH_URL: 'http://127.0.0.1:5000/v3/', OS_USERNAME: 'vmlocks', OS_PASSWORD: 'pw', OS_PROJECT_ID: 'p1', OS_INTERFACE: 'publicURL', OS_INSECURE: 'true',
    }, files({}), CWD);
    expect(c).toMatchObject({
      authUrl: 'http://127.0.0.1:5000/v3', interface: 'public', insecure: true, regionName: null, source: 'the OS_* variables',
      method: { type: 'password', user: { name: 'vmlocks', domain: { id: 'default' } }, project: { id: 'p1' } },
    });
  });

  it('builds application-credential credentials from OS_APPLICATION_CREDENTIAL_NAME with its owner', async () => {
    const c = await loadOpenStackCredentials({
      HOME, OS_AUTH_URL: 'https://k/v3', OS_APPLICATION_CREDENTIAL_NAME: 'bot', OS_APPLICATION_CREDENTIAL_SECRET: 's', OS_USER_ID: 'u1',
    }, files({}), CWD);
    expect(c.method).toEqual({ type: 'application_credential', name: 'bot', secret: 's', user: { id: 'u1' } });
  });

  it('reads OS_CACERT into PEM text and refuses a file that is missing or holds no certificate', async () => {
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    const env = { OS_AUTH_URL: 'https://k/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_NAME: 'x', OS_CACERT: 'ca.pem' };
    const c = await loadOpenStackCredentials({ HOME, ...env }, files({ [`${CWD}/ca.pem`]: pem }), CWD);
    expect(c.caCert).toBe(pem);
    expect((await loadError(env)).key).toBe('OS_CACERT');
    expect((await loadError(env, files({ [`${CWD}/ca.pem`]: 'hello' }))).message).toMatch(/no PEM certificate/);
  });

  it('treats verify: false in clouds.yaml as insecure', async () => {
    const yaml = cloudsYaml.replace('interface: internal', 'interface: internal\n    verify: false');
    const c = await loadOpenStackCredentials({ HOME, OS_CLOUD: 'prod', OS_PASSWORD: 'p' }, files({ [`${CWD}/clouds.yaml`]: yaml }), CWD);
    expect(c.insecure).toBe(true);
  });

  it('names the missing password by its clouds.yaml key and its variable', async () => {
    const e = await loadError({ OS_CLOUD: 'prod' }, files({ [`${CWD}/clouds.yaml`]: cloudsYaml }));
    expect(e.key).toBe(`clouds.prod.auth.password (${CWD}/clouds.yaml) or OS_PASSWORD`);
    expect(e.userMessage).toMatch(/password/);
  });

  it('names the variable and what is expected for a bad value', async () => {
    const base = { OS_USERNAME: 'u', OS_PASSWORD: 'p', OS_PROJECT_NAME: 'x' };
    expect(await loadError({ ...base, OS_AUTH_URL: 'keystone:5000' })).toMatchObject({ key: 'OS_AUTH_URL', code: 'invalid_config' });
    expect((await loadError({ ...base, OS_AUTH_URL: 'https://k/v3', OS_INTERFACE: 'private' })).message).toBe('OS_INTERFACE: expected public, internal or admin');
    expect((await loadError({ ...base, OS_AUTH_URL: 'https://k/v3', OS_INSECURE: 'maybe' })).message).toBe('OS_INSECURE: expected true or false');
    expect((await loadError({ ...base, OS_AUTH_URL: 'https://k/v2.0' })).message).toMatch(/^OS_AUTH_URL: .*v2\.0/);
    expect((await loadError({ ...base, OS_AUTH_URL: 'https://k/v3', OS_IDENTITY_API_VERSION: '2' })).key).toBe('OS_IDENTITY_API_VERSION');
    expect((await loadError({ ...base, OS_AUTH_URL: 'https://k/v3', OS_AUTH_TYPE: 'v3oidcpassword' })).key).toBe('OS_AUTH_TYPE');
  });

  it('asks for a project when password credentials have none: Nova needs a project-scoped token', async () => {
    const e = await loadError({ OS_AUTH_URL: 'https://k/v3', OS_USERNAME: 'u', OS_PASSWORD: 'p' });
    expect(e.key).toBe('OS_PROJECT_NAME');
    expect(e.message).toMatch(/project-scoped/);
  });

  it('lists the clouds of the file when OS_CLOUD names another', async () => {
    const e = await loadError({ OS_CLOUD: 'staging' }, files({ [`${CWD}/clouds.yaml`]: cloudsYaml }));
    expect(e).toMatchObject({ code: 'cloud_not_found', key: 'OS_CLOUD' });
    expect(e.message).toMatch(/no cloud "staging" in .*\(it has: prod, appcred\)/);
  });

  it('says where it looked when OS_CLOUD is set but no clouds.yaml exists', async () => {
    const e = await loadError({ OS_CLOUD: 'prod' });
    expect(e.code).toBe('cloud_not_found');
    expect(e.message).toContain(`${HOME}/.config/openstack/clouds.yaml`);
  });

  it('explains how to configure credentials when there are none at all', async () => {
    expect(await loadError({})).toMatchObject({ code: 'no_credentials', key: 'OS_CLOUD' });
  });

  it('names the file of a clouds.yaml that is not valid YAML, and refuses vendor profiles', async () => {
    expect((await loadError({ OS_CLOUD: 'prod' }, files({ [`${CWD}/clouds.yaml`]: 'clouds: [unclosed' }))).key).toBe(`${CWD}/clouds.yaml`);
    const withProfile = cloudsYaml.replace('    region_name: RegionOne', '    profile: vexxhost\n    region_name: RegionOne');
    const e = await loadError({ OS_CLOUD: 'prod', OS_PASSWORD: 'p' }, files({ [`${CWD}/clouds.yaml`]: withProfile }));
    expect(e.key).toBe(`clouds.prod.profile (${CWD}/clouds.yaml)`);
  });

  it('uses the only cloud of a clouds.yaml when neither OS_CLOUD nor OS_AUTH_URL is set', async () => {
    const single = 'clouds:\n  only:\n    auth:\n      auth_url: https://k/v3\n      application_credential_id: a\n      application_credential_secret: s\n';
    const c = await loadOpenStackCredentials({ HOME }, files({ '/etc/openstack/clouds.yaml': single }), CWD);
    expect(c.source).toBe('cloud "only" in /etc/openstack/clouds.yaml');
  });
});
