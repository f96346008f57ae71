// Every way to hand vmlocks its OpenStack credentials, against the real Keystone of the lab: clouds.yaml with
// OS_CLOUD, plain OS_* variables, password and application credential.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOpenStackNova, KeystoneError, NovaApiError, type FetchLike, type NovaClient,
} from '../../../src/adapters/openstack/index.js';
import { parseInstanceId, parseInstanceRef, type InstanceId } from '../../../src/core/ids.js';
import { defaultFetch } from '../../../src/adapters/openstack/tls-dispatcher.js';
import { CLOUDS, findNovaLab, uniqueName, type NovaLab } from '../../support/nova-lab.js';

let lab: NovaLab;
let name = '';
let serverId: InstanceId;

beforeAll(async () => {
  lab = await findNovaLab();
  name = uniqueName('vmlt-cred');
  const id = parseInstanceId(await lab.admin.bootServer(name, 'compute-2', lab.imageId));
  if (!id.ok) throw new Error(id.error);
  serverId = id.value;
  await lab.admin.waitServer(serverId, 'ACTIVE');
});

afterAll(async () => {
  if (serverId !== undefined) await lab.admin.deleteServers([serverId]);
});

/** OS_* variables equivalent to one of the lab's clouds (what an openrc file would export). */
function osVariables(cloud: string): Record<string, string> {
  const c = lab.clouds[cloud];
  if (c === undefined) throw new Error(`no cloud ${cloud}`);
  const a = c.auth;
  const env: Record<string, string> = { OS_AUTH_URL: a.auth_url, OS_REGION_NAME: c.region_name, OS_INTERFACE: 'public', OS_IDENTITY_API_VERSION: '3' };
  if (a.application_credential_id !== undefined) {
    return { ...env, OS_AUTH_TYPE: 'v3applicationcredential', OS_APPLICATION_CREDENTIAL_ID: a.application_credential_id, OS_APPLICATION_CREDENTIAL_SECRET: a.application_credential_secret ?? '' };
  }
  return { ...env, OS_USERNAME: a.username ?? '', OS_PASSWORD: a.password ?? '', OS_PROJECT_NAME: a.project_name ?? '', OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default' };
}

async function resolvesTheServer(nova: NovaClient): Promise<void> {
  const ref = parseInstanceRef(name);
  if (!ref.ok) throw new Error(ref.error);
  expect(await nova.resolveInstance(ref.value)).toMatchObject({ kind: 'found', server: { id: serverId, host: 'compute-2' } });
}

describe('OpenStack credentials against the real Keystone', () => {
  it('authenticates with a password from clouds.yaml chosen by OS_CLOUD, and asks Keystone once for many calls', async () => {
    const tokenRequests: string[] = [];
    const counting: FetchLike = (url, init) => {
      if (url.endsWith('/auth/tokens')) tokenRequests.push(url);
      return defaultFetch(url, init);
    };
    const nova = await createOpenStackNova(lab.envFor(CLOUDS.bot), { fetch: counting });
    await resolvesTheServer(nova);
    await nova.getComputeService('compute-2');
    await nova.listHypervisors();
    expect(tokenRequests).toEqual(['http://127.0.0.1:5000/v3/auth/tokens']);
  });

  it('authenticates with an application credential from clouds.yaml', async () => {
    await resolvesTheServer(await createOpenStackNova(lab.envFor(CLOUDS.botAppCred)));
  });

  it('authenticates with plain OS_* variables, by password and by application credential', async () => {
    await resolvesTheServer(await createOpenStackNova(osVariables(CLOUDS.bot)));
    await resolvesTheServer(await createOpenStackNova(osVariables(CLOUDS.botAppCred)));
  });

  it('says why an application credential cannot reboot a server of another project', async () => {
    const nova = await createOpenStackNova(lab.envFor(CLOUDS.botAppCred));
    const e = await nova.hardReboot(serverId).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NovaApiError);
    expect(e).toMatchObject({ status: 404, method: 'POST', path: `/servers/${serverId}/action` });
    expect((e as NovaApiError).userMessage).toMatch(/application credential .* is bound to its own project/);
  });

  it('rejects a wrong password with Keystone\'s 401 and names where the credentials came from', async () => {
    const nova = await createOpenStackNova({ ...osVariables(CLOUDS.bot), OS_PASSWORD: 'not-the-password' });
    const e = await nova.getComputeService('compute-1').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KeystoneError);
    expect(e).toMatchObject({ status: 401, method: 'POST', path: '/auth/tokens' });
    expect((e as KeystoneError).requestId).toMatch(/^req-/);
    expect((e as KeystoneError).userMessage).toMatch(/rejected the credentials from the OS_\* variables/);
  });

  it('rejects an application credential with a wrong secret', async () => {
    const nova = await createOpenStackNova({ ...osVariables(CLOUDS.botAppCred), OS_APPLICATION_CREDENTIAL_SECRET: 'wrong' });
    await expect(nova.getComputeService('compute-1')).rejects.toMatchObject({ name: 'KeystoneError', status: 401 });
  });
});
