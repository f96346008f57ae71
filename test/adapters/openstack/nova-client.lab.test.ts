// The NovaPort against the real Nova lab, as the least-privilege bot user `vmlocks` (role vmlocks-operator, see
// docs/openstack-policy.md). Set-up (booting servers pinned to hosts, locking) runs as admin, in the admin
// project: every server the bot sees here belongs to another project than its own.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createOpenStackNova, exactNamePattern, NovaApiError, type FetchLike, type NovaClient } from '../../../src/adapters/openstack/index.js';
import { defaultFetch } from '../../../src/adapters/openstack/tls-dispatcher.js';
import { parseInstanceId, parseInstanceRef, type InstanceId, type InstanceRef } from '../../../src/core/ids.js';
import { CLOUDS, findNovaLab, uniqueName, type ComputeHost, type NovaLab } from '../../support/nova-lab.js';

const NameList = z.object({ servers: z.array(z.object({ name: z.string() })) });
const InstanceActions = z.object({ instanceActions: z.array(z.object({ action: z.string(), request_id: z.string() })) });

let lab: NovaLab;
let nova: NovaClient;
const ids = new Map<string, string>(); // name -> id (the twins are named by host)
let prefix = '';

function ref(text: string): InstanceRef {
  const r = parseInstanceRef(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
function instanceId(text: string): InstanceId {
  const r = parseInstanceId(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
function idOf(suffix: string): InstanceId {
  const id = ids.get(`${prefix}-${suffix}`);
  if (id === undefined) throw new Error(`no server ${suffix}`);
  return instanceId(id);
}

beforeAll(async () => {
  lab = await findNovaLab();
  prefix = uniqueName('vmlt');
  // decoys: what a regex or case-insensitive match would also hit
  const specs: Array<[string, ComputeHost]> = [
    ['vm-1', 'compute-1'], ['vm-10', 'compute-2'], ['VM-1', 'compute-2'], ['a.b', 'compute-1'], ['aXb', 'compute-2'],
    ['x(1)', 'compute-1'], ['x1', 'compute-2'], ['twin', 'compute-1'], ['twin', 'compute-2'],
  ];
  const booted = await Promise.all(specs.map(async ([suffix, host]) => {
    const id = await lab.admin.bootServer(`${prefix}-${suffix}`, host, lab.imageId);
    ids.set(suffix === 'twin' ? `${prefix}-twin@${host}` : `${prefix}-${suffix}`, id);
    return id;
  }));
  await Promise.all(booted.map((id) => lab.admin.waitServer(id, 'ACTIVE')));
  // two servers a page: the listings below follow servers_links
  nova = await createOpenStackNova(lab.envFor(CLOUDS.bot), { pageSize: 2 });
});

afterAll(async () => {
  if (lab !== undefined) await lab.admin.deleteServers([...ids.values()]);
});

describe('Nova client on the real lab, as the vmlocks bot', () => {
  it('negotiates the highest microversion both sides know', async () => {
    expect(await nova.microversion()).toBe('2.93');
  });

  it('resolves a server of another project by its exact name, with host and power state', async () => {
    const r = await nova.resolveInstance(ref(`${prefix}-vm-1`));
    expect(r).toMatchObject({ kind: 'found', server: {
      id: idOf('vm-1'), name: `${prefix}-vm-1`, status: 'ACTIVE', vmState: 'active', powerState: 1, taskState: null,
      host: 'compute-1', hypervisorHostname: 'compute-1', hostStatus: 'UP', volumeIds: [], bootFromVolume: false,
    } });
  });

  it('never resolves vm-1 to vm-10 or to VM-1 (Nova\'s name filter is a case-insensitive regex)', async () => {
    for (const suffix of ['vm-1', 'vm-10', 'VM-1']) {
      const r = await nova.resolveInstance(ref(`${prefix}-${suffix}`));
      expect(r.kind === 'found' ? r.server.id : r.kind).toBe(idOf(suffix));
    }
  });

  it('matches names with regular-expression characters literally', async () => {
    for (const suffix of ['a.b', 'aXb', 'x(1)', 'x1']) {
      const r = await nova.resolveInstance(ref(`${prefix}-${suffix}`));
      expect(r.kind === 'found' ? r.server.id : r.kind).toBe(idOf(suffix));
    }
    expect(await nova.resolveInstance(ref(`${prefix}-a+b`))).toMatchObject({ kind: 'not_found' });
  });

  it('sends Nova an anchored, escaped pattern and still compares names exactly on its side', async () => {
    // what Nova itself returns for each pattern, seen through an injected fetch
    const seen = new Map<string, string[]>();
    const recording: FetchLike = async (url, init) => {
      const res = await defaultFetch(url, init);
      const text = await res.text();
      const name = new URL(url).searchParams.get('name');
      if (name !== null) seen.set(name, NameList.parse(JSON.parse(text)).servers.map((s) => s.name).sort());
      return { status: res.status, headers: res.headers, text: async () => text };
    };
    const bot = await createOpenStackNova(lab.envFor(CLOUDS.bot), { fetch: recording });
    await bot.resolveInstance(ref(`${prefix}-a.b`));
    await bot.resolveInstance(ref(`${prefix}-vm-1`));
    expect(seen.get(exactNamePattern(`${prefix}-a.b`))).toEqual([`${prefix}-a.b`]);
    // MariaDB's REGEXP ignores case under Nova's collation: only the exact comparison tells VM-1 from vm-1
    expect(seen.get(exactNamePattern(`${prefix}-vm-1`))).toEqual([`${prefix}-VM-1`, `${prefix}-vm-1`]);
  });

  it('resolves by UUID, and answers not found for an unknown UUID or name', async () => {
    expect(await nova.resolveInstance(ref(idOf('a.b')))).toMatchObject({ kind: 'found', server: { name: `${prefix}-a.b` } });
    expect(await nova.resolveInstance(ref('00000000-0000-4000-8000-000000000000'))).toMatchObject({ kind: 'not_found' });
    expect(await nova.resolveInstance(ref(`${prefix}-nothing`))).toEqual({ kind: 'not_found', ref: { kind: 'name', name: `${prefix}-nothing` } });
    await expect(nova.getServer(instanceId('00000000-0000-4000-8000-000000000000'))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('returns every candidate of an ambiguous name', async () => {
    const r = await nova.resolveInstance(ref(`${prefix}-twin`));
    expect(r.kind).toBe('ambiguous');
    const candidates = r.kind === 'ambiguous' ? r.candidates : [];
    expect(candidates.map((c) => [c.id, c.host, c.status]).sort()).toEqual([
      [ids.get(`${prefix}-twin@compute-1`), 'compute-1', 'ACTIVE'], [ids.get(`${prefix}-twin@compute-2`), 'compute-2', 'ACTIVE'],
    ].sort());
  });

  it('lists the servers on a host across pages, and none from elsewhere', async () => {
    const onHost = await nova.listServersOnHost('compute-1');
    const mine = onHost.filter((s) => s.name.startsWith(prefix)).map((s) => s.name).sort();
    expect(mine).toEqual([`${prefix}-a.b`, `${prefix}-twin`, `${prefix}-vm-1`, `${prefix}-x(1)`]);
    expect(onHost.every((s) => s.host === 'compute-1')).toBe(true);
  });

  it('reads the compute service of a host, and null for a host Nova does not know', async () => {
    const service = await nova.getComputeService('compute-2');
    expect(service).toMatchObject({ host: 'compute-2', state: 'up', status: 'enabled', forcedDown: false, disabledReason: null });
    expect(Date.parse(service?.updatedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    expect(await nova.getComputeService('compute-9')).toBeNull();
  });

  it('lists every hypervisor with its host, host_ip and state, one page at a time', async () => {
    const pages: string[] = [];
    const recording: FetchLike = async (url, init) => {
      if (url.includes('/os-hypervisors/detail')) pages.push(new URL(url).search);
      return defaultFetch(url, init);
    };
    const bot = await createOpenStackNova(lab.envFor(CLOUDS.bot), { fetch: recording, pageSize: 1 });
    const hypervisors = await bot.listHypervisors();
    expect([...hypervisors].sort((a, b) => a.hypervisorHostname.localeCompare(b.hypervisorHostname))).toEqual([
      { hypervisorHostname: 'compute-1', host: 'compute-1', hostIp: '127.0.0.1', state: 'up' },
      { hypervisorHostname: 'compute-2', host: 'compute-2', hostIp: '127.0.0.2', state: 'up' },
    ]);
    // one hypervisor per page, then the page that says there are no more
    expect(pages.length).toBeGreaterThanOrEqual(2);
    expect(pages.slice(1).every((q) => q.includes('marker='))).toBe(true);
  });

  it('hard-reboots a server of another project and waits until it is ACTIVE and running', async () => {
    const id = idOf('x1');
    const record = await nova.hardReboot(id);
    expect(record).toMatchObject({ method: 'POST', path: `/servers/${id}/action`, status: 202, body: { reboot: { type: 'HARD' } } });
    const outcome = await nova.waitForActive(id, { timeoutMs: 60_000 });
    expect(outcome).toMatchObject({ reached: true, server: { status: 'ACTIVE', powerState: 1, taskState: null } });
    expect(outcome.transitions.at(-1)).toBe('ACTIVE');
    // Nova recorded the reboot under the request id the audit log keeps
    const actions = await lab.admin.call('GET', `/servers/${id}/os-instance-actions`);
    expect(InstanceActions.parse(actions.json).instanceActions).toContainEqual({ action: 'reboot', request_id: record.requestId });
  });

  it('explains a 409 from Nova when another reboot is still in progress', async () => {
    // Back-to-back HARD reboots: Nova refuses one while the previous is reboot_pending_hard or
    // reboot_started_hard on the compute (the fake driver's reboot takes 0.2-1 s), which takes a few tries.
    // Nova sometimes loses the race on its side first and answers 500 UnexpectedTaskStateError: explained, then retried.
    const id = idOf('x(1)');
    let conflict: unknown = null;
    for (let i = 0; i < 40 && conflict === null; i++) {
      conflict = await nova.hardReboot(id).then(() => null, (e: unknown) => e);
      if (conflict instanceof NovaApiError && conflict.status === 500) {
        expect(conflict.userMessage).toMatch(/another task changed the server's state at the same moment \(500, UnexpectedTaskStateError\)/);
        conflict = null;
        await nova.waitForActive(id, { timeoutMs: 60_000 });
      }
    }
    expect(conflict).toBeInstanceOf(NovaApiError);
    expect(conflict).toMatchObject({ status: 409, apiMessage: expect.stringMatching(/^Cannot 'reboot' instance .* while it is in task_state reboot_/) });
    expect((conflict as NovaApiError).userMessage).toMatch(/another task \(reboot_\w+_hard\) is in progress on the server/);
    expect(await nova.waitForActive(id, { timeoutMs: 60_000 })).toMatchObject({ reached: true });
  });

  it('explains a 409 from Nova when the server is locked', async () => {
    const id = idOf('aXb');
    await lab.admin.call('POST', `/servers/${id}/action`, { lock: null });
    try {
      const e = await nova.hardReboot(id).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(NovaApiError);
      expect(e).toMatchObject({ status: 409, apiMessage: `Instance ${id} is locked` });
      expect((e as NovaApiError).requestId).toMatch(/^req-/);
      expect((e as NovaApiError).userMessage).toMatch(/the server is locked/);
    } finally {
      await lab.admin.call('POST', `/servers/${id}/action`, { unlock: null });
    }
  });
});
