/**
 * Gathers the InspectionSnapshot of one instance: Nova and Ceph calls in parallel where they are independent.
 * Every source that fails is recorded in the snapshot (never thrown), so the core can answer `unknown` with the
 * reason instead of guessing.
 */
import { imageSpec, parseImageName, type ImageName, type ImageSpec, type InstanceId, type PoolName } from '../core/ids.js';
import { err, ok, type Result } from '../core/result.js';
import type {
  BlocklistEntry, ComputeServiceView, DiskObservation, DiskRole, HypervisorView, InspectionSnapshot, NovaInstanceView,
} from '../core/snapshot.js';
import type { CephPort, Clock, NovaPort } from '../ports.js';
import { describeError } from './describe-error.js';

export interface ObserveDeps {
  ceph: CephPort;
  nova: NovaPort;
  novaPool: PoolName;
  cinderPools: PoolName[];
  clock: Clock;
}

async function settle<T>(work: Promise<T>): Promise<Result<T, string>> {
  try {
    return ok(await work);
  } catch (e) {
    return err(describeError(e));
  }
}

interface DiskRef { image: ImageSpec; role: DiskRole; volumeId?: string }

/**
 * The two cluster-wide reads, which do not depend on the instance: started before Nova has resolved it, they take
 * `ceph osd blocklist ls` (a Python CLI, the slowest call) off the critical path.
 */
export interface ClusterReads {
  blocklist: Promise<Result<BlocklistEntry[], string>>;
  novaPoolImages: Promise<Result<ImageName[], string>>;
  /** Which host has which IP, to find a lock owner's host (core/owner-host.ts). */
  hypervisors: Promise<Result<HypervisorView[], string>>;
}

export function startClusterReads(deps: ObserveDeps): ClusterReads {
  return {
    blocklist: settle(deps.ceph.listBlocklist()),
    novaPoolImages: settle(deps.ceph.listImages(deps.novaPool)),
    hypervisors: settle(deps.nova.listHypervisors()),
  };
}

/** Nova's ephemeral disks are `<uuid>_disk`, `<uuid>_disk.local`, `<uuid>_disk.swap`, …: every image named `<uuid>_*`. */
async function findEphemeralDisks(deps: ObserveDeps, id: InstanceId, listing: Promise<Result<ImageName[], string>>): Promise<Result<DiskRef[], string>> {
  const images = await listing;
  if (!images.ok) return err(`could not list pool ${deps.novaPool}: ${images.error}`);
  return ok(images.value.filter((name) => name.startsWith(`${id}_`)).sort().map((name) => ({ image: imageSpec(deps.novaPool, name), role: 'ephemeral' as const })));
}

/** Cinder's RBD driver names a volume's image `volume-<volume-id>`; with several pools, find which one holds it. */
async function findVolumeDisk(deps: ObserveDeps, volumeId: string): Promise<Result<DiskRef, string>> {
  const name = parseImageName(`volume-${volumeId}`);
  if (!name.ok) return err(`Nova lists attached volume "${volumeId}", which is not a valid volume id: ${name.error}`);
  if (deps.cinderPools.length === 1) return ok({ image: imageSpec(deps.cinderPools[0] as PoolName, name.value), role: 'volume', volumeId });
  const listings = await Promise.all(deps.cinderPools.map(async (pool) => ({ pool, images: await settle(deps.ceph.listImages(pool)) })));
  const holder = listings.find((l) => l.images.ok && l.images.value.includes(name.value));
  if (holder) return ok({ image: imageSpec(holder.pool, name.value), role: 'volume', volumeId });
  const failed = listings.filter((l) => !l.images.ok).map((l) => l.pool);
  return err(failed.length > 0
    ? `volume ${volumeId}: not found in the readable pools, and could not list ${failed.join(', ')}`
    : `volume ${volumeId} is attached in Nova but volume-${volumeId} is in none of the pools ${deps.cinderPools.join(', ')}`);
}

async function observeDisk(deps: ObserveDeps, ref: DiskRef): Promise<DiskObservation> {
  const [locks, watchers, info] = await Promise.all([
    settle(deps.ceph.listLocks(ref.image)),
    settle(deps.ceph.listWatchers(ref.image)),
    settle(deps.ceph.imageInfo(ref.image)),
  ]);
  return { ...ref, locks, watchers, info };
}

/** The instance's compute service from Nova. */
async function observeComputeService(deps: ObserveDeps, instance: NovaInstanceView): Promise<Result<ComputeServiceView | null, string>> {
  // the core's evidence sentence names the host and the service (say.computeServiceFailed): pass the bare reason
  return instance.host === null ? ok(null) : settle(deps.nova.getComputeService(instance.host));
}

export async function observeInstance(
  deps: ObserveDeps, instance: NovaInstanceView, novaError?: string, cluster: ClusterReads = startClusterReads(deps),
): Promise<InspectionSnapshot> {
  const discoveryErrors: string[] = novaError === undefined ? [] : [novaError];
  // the disks are read as soon as they are known, while Nova answers for the compute service: a diagnosis then takes
  // about as long as its Nova calls
  const diskReads = Promise.all([
    findEphemeralDisks(deps, instance.id, cluster.novaPoolImages),
    Promise.all((instance.volumeIds ?? []).map((v) => findVolumeDisk(deps, v))),
  ]).then(async ([ephemeral, volumes]) => {
    if (instance.volumeIds === null && novaError === undefined) {
      discoveryErrors.push(`Nova's answer for ${instance.name} leaves out os-extended-volumes:volumes_attached, so its attached volumes could not be read`);
    }
    const refs: DiskRef[] = [];
    if (ephemeral.ok) refs.push(...ephemeral.value);
    else discoveryErrors.push(ephemeral.error);
    for (const v of volumes) {
      if (v.ok) refs.push(v.value);
      else discoveryErrors.push(v.error);
    }
    return Promise.all(refs.map((ref) => observeDisk(deps, ref)));
  });
  const [computeService, blocklist, hypervisors, disks] = await Promise.all([
    novaError === undefined ? observeComputeService(deps, instance) : Promise.resolve(err(novaError)),
    cluster.blocklist,
    cluster.hypervisors,
    diskReads,
  ]);
  return {
    observedAt: deps.clock.now().toISOString(),
    instance,
    computeService,
    // the bare reason: the core's sentence already says "could not read the OSD blocklist" (say.blocklistFailed)
    blocklist,
    hypervisors,
    disks,
    pools: { nova: deps.novaPool, cinder: deps.cinderPools },
    discoveryErrors,
  };
}
