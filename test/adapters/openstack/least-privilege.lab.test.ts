// The bot's role (docs/openstack-policy.md) on the real lab: enough for vmlocks, and no more. A user without
// the role gets Nova's 403, which the adapter explains by the policy rule it lacks.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  createKeystoneAuth, createOpenStackNova, loadOpenStackCredentials, NovaApiError,
} from '../../../src/adapters/openstack/index.js';
import { CLOUDS, findNovaLab, uniqueName, type NovaLab } from '../../support/nova-lab.js';

let lab: NovaLab;
let serverId = '';
let serviceId = '';
const Id = z.object({ id: z.string() });

beforeAll(async () => {
  lab = await findNovaLab();
  serverId = await lab.admin.bootServer(uniqueName('vmlt-lp'), 'compute-1', lab.imageId);
  await lab.admin.waitServer(serverId, 'ACTIVE');
  const services = await lab.admin.call('GET', '/os-services?binary=nova-compute&host=compute-1', undefined, '2.93');
  serviceId = z.object({ services: z.array(Id) }).parse(services.json).services[0]?.id ?? '';
});

afterAll(async () => {
  if (serverId !== '') await lab.admin.deleteServers([serverId]);
});

/** A raw Nova call with the bot's token scoped to the server's project (as the adapter does for a reboot). */
async function asBot(method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const auth = createKeystoneAuth({ credentials: await loadOpenStackCredentials(lab.envFor(CLOUDS.bot)) });
  const server = await lab.admin.call('GET', `/servers/${serverId}`);
  const projectId = z.object({ server: z.object({ tenant_id: z.string() }) }).parse(server.json).server.tenant_id;
  const token = await auth.tokenForProject(projectId);
  const headers: Record<string, string> = { 'X-Auth-Token': token?.value ?? '', 'OpenStack-API-Version': 'compute 2.93', 'Content-Type': 'application/json' };
  const res = await fetch(`http://127.0.0.1:8774/v2.1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
  return { status: res.status, text: await res.text() };
}

describe('the vmlocks-operator role', () => {
  it.each([
    ['delete a server', 'DELETE', () => `/servers/${serverId}`, undefined, 'os_compute_api:servers:delete'],
    ['stop a server', 'POST', () => `/servers/${serverId}/action`, { 'os-stop': null }, 'os_compute_api:servers:stop'],
    ['force a compute service down', 'PUT', () => `/os-services/${serviceId}`, { forced_down: true }, 'os_compute_api:os-services:update'],
    ['list instance actions', 'GET', () => `/servers/${serverId}/os-instance-actions`, undefined, 'os_compute_api:os-instance-actions:list'],
    // the way out of a stuck HARD_REBOOT is the operator's to take, never the bot's
    ['reset a server\'s state', 'POST', () => `/servers/${serverId}/action`, { 'os-resetState': { state: 'error' } }, 'os_compute_api:os-admin-actions:reset_state'],
  ])('may not %s, even in the server\'s own project', async (_what, method, path, body, rule) => {
    const r = await asBot(method, path(), body);
    expect(r.status).toBe(403);
    expect(r.text).toContain(`Policy doesn't allow ${rule} to be performed.`);
  });

  it('may ask for an evacuation there: Nova checks the policy, then refuses because the host is up (400)', async () => {
    const r = await asBot('POST', `/servers/${serverId}/action`, { evacuate: {} });
    expect(r.status).toBe(400);
    expect(r.text).toContain('Compute service of compute-1 is still in use.');
  });

  it('may hard-reboot there', async () => {
    expect((await asBot('POST', `/servers/${serverId}/action`, { reboot: { type: 'HARD' } })).status).toBe(202);
    await lab.admin.waitServer(serverId, 'ACTIVE');
  });
});

describe('a user without the role', () => {
  let userId = '';
  const password = randomUUID();
  const userName = uniqueName('vmlt-reader');

  beforeAll(async () => {
    const project = await lab.admin.call('GET', '/v3/projects?name=vmlocks');
    const projectId = z.object({ projects: z.array(Id) }).parse(project.json).projects[0]?.id ?? '';
    const role = await lab.admin.call('GET', '/v3/roles?name=reader');
    const roleId = z.object({ roles: z.array(Id) }).parse(role.json).roles[0]?.id ?? '';
    const user = await lab.admin.call('POST', '/v3/users', { user: { name: userName, password, domain_id: 'default', default_project_id: projectId } });
    userId = z.object({ user: Id }).parse(user.json).user.id;
    await lab.admin.call('PUT', `/v3/projects/${projectId}/users/${userId}/roles/${roleId}`);
  });

  afterAll(async () => {
    if (userId !== '') await lab.admin.call('DELETE', `/v3/users/${userId}`);
  });

  it('gets a 403 that names the policy rule to grant', async () => {
    const nova = await createOpenStackNova({
      OS_AUTH_URL: 'http://127.0.0.1:5000/v3', OS_USERNAME: userName, OS_PASSWORD: password, OS_PROJECT_NAME: 'vmlocks',
      OS_USER_DOMAIN_NAME: 'Default', OS_PROJECT_DOMAIN_NAME: 'Default', OS_REGION_NAME: 'RegionOne',
    });
    const e = await nova.listServersOnHost('compute-1').catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NovaApiError);
    expect(e).toMatchObject({ status: 403, method: 'GET' });
    expect((e as NovaApiError).userMessage).toMatch(/policy rule os_compute_api:servers:detail:get_all_tenants denies it/);
    await expect(nova.getComputeService('compute-1')).rejects.toMatchObject({ status: 403, apiMessage: "Policy doesn't allow os_compute_api:os-services:list to be performed." });
  });
});
