// A compute node "loses power" on the real lab (its nova-compute is SIGKILLed): what the bot reads from Nova
// before, during and after. The lab says "down" after service_down_time = 20 s without a heartbeat (upstream 60 s).
// compute-1 is restarted afterwards, whatever happens, for the files that follow.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenStackNova, type NovaClient } from '../../../src/adapters/openstack/index.js';
import { parseInstanceId, type InstanceId } from '../../../src/core/ids.js';
import {
  CLOUDS, ensureComputesUp, findNovaLab, pollUntil, startCompute, stopCompute, uniqueName, type NovaLab,
} from '../../support/nova-lab.js';

let lab: NovaLab;
let nova: NovaClient;
let serverId: InstanceId;

beforeAll(async () => {
  lab = await findNovaLab();
  const id = parseInstanceId(await lab.admin.bootServer(uniqueName('vmlt-down'), 'compute-1', lab.imageId));
  if (!id.ok) throw new Error(id.error);
  serverId = id.value;
  await lab.admin.waitServer(serverId, 'ACTIVE');
  nova = await createOpenStackNova(lab.envFor(CLOUDS.bot));
});

afterAll(async () => {
  if (lab === undefined) return;
  await ensureComputesUp(lab);
  if (serverId !== undefined) await lab.admin.deleteServers([serverId]);
});

describe('a compute that dies', () => {
  it('is up, then reported down once its heartbeats stop, then up again after a restart', async () => {
    expect(await nova.getComputeService('compute-1')).toMatchObject({ state: 'up', forcedDown: false, status: 'enabled' });
    expect((await nova.getServer(serverId)).hostStatus).toBe('UP');

    const killedAt = Date.now();
    await stopCompute(lab, 'compute-1');
    // the bot's own view, polled (bounded): down, not forced, last heartbeat before the kill
    let down = await nova.getComputeService('compute-1');
    await pollUntil('the bot to see compute-1 down', 60_000, async () => {
      down = await nova.getComputeService('compute-1');
      return down?.state === 'down';
    }, 1000);
    expect(down).toMatchObject({ host: 'compute-1', state: 'down', forcedDown: false, status: 'enabled' });
    expect(Date.parse(down?.updatedAt ?? '')).toBeLessThanOrEqual(killedAt + 1000);
    // nova: host_status UNKNOWN when the service is down but not forced down
    expect(await nova.getServer(serverId)).toMatchObject({ hostStatus: 'UNKNOWN', status: 'ACTIVE', host: 'compute-1' });

    // a reboot sent to the dead compute is accepted but waits (RabbitMQ keeps the message) ...
    expect((await nova.hardReboot(serverId)).status).toBe(202);
    const stuck = await nova.waitForActive(serverId, { timeoutMs: 2000 });
    expect(stuck).toMatchObject({ reached: false, server: { status: 'HARD_REBOOT', taskState: 'rebooting_hard' } });

    // ... and completes once the compute is back
    await startCompute(lab, 'compute-1');
    expect(await nova.getComputeService('compute-1')).toMatchObject({ state: 'up' });
    const done = await nova.waitForActive(serverId, { timeoutMs: 90_000 });
    expect(done).toMatchObject({ reached: true, server: { status: 'ACTIVE', hostStatus: 'UP', powerState: 1 } });
  });
});
