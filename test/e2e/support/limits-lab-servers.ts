/**
 * Real Nova servers with real disks for the limits tests: servers booted as admin and pinned to a compute (fake
 * driver), each with its root disk `vms/<uuid>_disk` created on the Ceph lab (the fake driver creates none) and
 * put in a chosen state: unlocked, a live writer, the seed's crash, or stale on a SHUTOFF server (a writer killed
 * while holding the lock, its watch expired, the server stopped: DESIGN.md §3 corroboration 4). Everything made
 * here is undone by `cleanup()` (afterAll): writers, servers, images and the blocklist entries of the dead owners.
 */
import type { EntityAddr, ImageSpec } from '../../../src/core/ids.js';
import { adminRun, createImage, removeImage } from '../../support/ceph-lab.js';
import {
  cleanupScenarios, diskSpecFor, expiredDeadOwner, liveWriter, seedCrash, type LockOwner,
} from '../../support/ceph-scenarios.js';
import { findNovaLab, uniqueName, type ComputeHost, type NovaLab } from '../../support/nova-lab.js';

export interface LabServer {
  id: string;
  name: string;
  spec: ImageSpec;
}

export interface LabServers {
  nova: NovaLab;
  /** Boots `count` servers on `host`, waits until they are ACTIVE and creates their (unlocked) root disks. */
  boot(prefix: string, count: number, host?: ComputeHost): Promise<LabServer[]>;
  /** A live client.nova writer holds the disk's lock (verdict alive). */
  holdByLiveWriter(server: LabServer): Promise<LockOwner>;
  /** The seed's crash on the disk: dead owner, new client from the same IP locked out (verdict stale). */
  crashLikeTheSeed(server: LabServer): Promise<LockOwner>;
  /** A killed writer's lock, its watch expired, and the server SHUTOFF (verdict stale); again after a fix too. */
  makeStaleShutoff(server: LabServer): Promise<LockOwner>;
  cleanup(): Promise<void>;
}

export async function createLabServers(): Promise<LabServers> {
  const nova = await findNovaLab();
  const servers: LabServer[] = [];
  const deadOwners = new Set<EntityAddr>();

  async function stopServer(server: LabServer): Promise<void> {
    const r = await nova.admin.call('POST', `/servers/${server.id}/action`, { 'os-stop': null });
    if (r.status !== 202) throw new Error(`stop ${server.name}: ${r.status} ${JSON.stringify(r.json)}`);
    await nova.admin.waitServer(server.id, 'SHUTOFF');
  }

  return {
    nova,
    async boot(prefix, count, host = 'compute-1') {
      const booted = await Promise.all(Array.from({ length: count }, async () => {
        const name = uniqueName(prefix);
        const id = await nova.admin.bootServer(name, host, nova.imageId);
        const server = { id, name, spec: diskSpecFor(id) };
        servers.push(server);
        return server;
      }));
      await Promise.all(booted.map(async (s) => {
        await nova.admin.waitServer(s.id, 'ACTIVE', 120_000);
        await createImage(s.spec);
      }));
      return booted;
    },
    async holdByLiveWriter(server) {
      return (await liveWriter({ spec: server.spec, user: 'nova' })).lock;
    },
    async crashLikeTheSeed(server) {
      const s = await seedCrash({ spec: server.spec });
      deadOwners.add(s.deadOwner.address);
      return s.deadOwner;
    },
    async makeStaleShutoff(server) {
      const [scenario] = await Promise.all([expiredDeadOwner({ spec: server.spec }), stopServer(server)]);
      deadOwners.add(scenario.deadOwner.address);
      return scenario.deadOwner;
    },
    async cleanup() {
      const problems: string[] = [];
      const attempt = async (what: string, work: () => Promise<unknown>): Promise<void> => {
        try { await work(); } catch (e) { problems.push(`${what}: ${e instanceof Error ? e.message : String(e)}`); }
      };
      await attempt('writers', cleanupScenarios);
      await attempt('servers', () => nova.admin.deleteServers(servers.map((s) => s.id)));
      await Promise.all(servers.map((s) => attempt(`image ${s.spec}`, () => removeImage(s.spec))));
      // The fixes (or rbd lock rm itself) put the dead owners in the blocklist for an hour; the bot may not remove
      // them (client.vmlocks lacks `osd blocklist rm`), admin does. An address never listed is fine.
      for (const address of deadOwners) {
        await attempt(`blocklist ${address}`, () => adminRun('ceph', ['osd', 'blocklist', 'rm', address], { reject: false }));
      }
      if (problems.length > 0) throw new Error(`cleanup: ${problems.join('; ')}`);
    },
  };
}
