// The evacuation through the NovaPort on the real Zed lab, as the least-privilege bot user (its own project's token;
// the server is the admin project's): refused with 400 while compute-1 is up, then, with compute-1 killed and
// reported down, accepted with 200 and followed on the migration record to `done` with the server ACTIVE on
// compute-2. compute-1 is started again afterwards, whatever happens.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenStackNova, NovaApiError, type NovaClient } from '../../../src/adapters/openstack/index.js';
import { parseInstanceId, type InstanceId } from '../../../src/core/ids.js';
import { CLOUDS, ensureComputesUp, findNovaLab, stopCompute, uniqueName, type NovaLab } from '../../support/nova-lab.js';

let lab: NovaLab;
let nova: NovaClient;
let serverId: InstanceId;

beforeAll(async () => {
  lab = await findNovaLab();
  const id = parseInstanceId(await lab.admin.bootServer(uniqueName('vmlt-evac'), 'compute-1', lab.imageId));
  if (!id.ok) throw new Error(id.error);
  serverId = id.value;
  await lab.admin.waitServer(serverId, 'ACTIVE', 120_000);
  nova = await createOpenStackNova(lab.envFor(CLOUDS.bot));
});

afterAll(async () => {
  if (lab === undefined) return;
  await ensureComputesUp(lab);
  if (serverId !== undefined) await lab.admin.deleteServers([serverId]);
});

describe('evacuating a server from a dead compute', () => {
  it('is refused with 400 while compute-1 is up, with what to do, and nothing moves', async () => {
    const e = await nova.evacuate(serverId).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(NovaApiError);
    expect(e).toMatchObject({ status: 400, apiMessage: 'Compute service of compute-1 is still in use.' });
    expect((e as NovaApiError).userMessage).toMatch(/nova-compute service of compute-1 is still up .*openstack compute service set --down compute-1 nova-compute/);
    expect(await nova.listEvacuations(serverId)).toEqual([]);
    expect(await nova.getServer(serverId)).toMatchObject({ host: 'compute-1', status: 'ACTIVE' });
  });

  it('is accepted with 200 once Nova says compute-1 is down, and ends done with the server ACTIVE on compute-2', async () => {
    const killed = performance.now();
    await stopCompute(lab, 'compute-1');
    const downAfterMs = Math.round(performance.now() - killed);
    expect(await nova.getComputeService('compute-1')).toMatchObject({ state: 'down' });

    const record = await nova.evacuate(serverId);
    expect(record).toMatchObject({ method: 'POST', path: `/servers/${serverId}/action`, status: 200, body: { evacuate: {} } });
    const outcome = await nova.waitForEvacuation(serverId, { sourceHost: 'compute-1', afterMigrationId: 0, expectStopped: false, timeoutMs: 120_000 });
    expect(outcome).toMatchObject({
      reached: true, failed: false,
      server: { host: 'compute-2', status: 'ACTIVE', taskState: null, powerState: 1 },
      migration: { status: 'done', sourceCompute: 'compute-1', destCompute: 'compute-2' },
    });
    expect(outcome.transitions.at(-1)).toBe('migration done, server ACTIVE on compute-2');
    expect(await nova.listEvacuations(serverId)).toEqual([expect.objectContaining({ status: 'done', sourceCompute: 'compute-1' })]);
    console.info(`evacuation on the lab: compute-1 reported down ${downAfterMs} ms after the kill; POST evacuate ${record.status} in ${record.durationMs} ms; ` +
      `migration done and server ACTIVE on compute-2 after ${outcome.elapsedMs} ms (${outcome.transitions.join(' → ')})`);
  });
});
