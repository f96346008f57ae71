/**
 * Snapshots for the core's tests, built from recorded real outputs (test/fixtures/core, copied from
 * shared/reference). The JSON is parsed here with the core's own parse* functions, as an adapter would.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  imageSpec, parseEntityAddr, parseImageName, parseInstanceId, parseLockId, parseLocker, parsePoolName,
  type EntityAddr, type ImageSpec, type InstanceId,
} from '../../../src/core/ids.js';
import { err, ok, type Result } from '../../../src/core/result.js';
import type {
  BlocklistEntry, ComputeServiceView, DiskObservation, HypervisorView, InspectionSnapshot, NovaInstanceView, RbdImageInfo, RbdLock,
  RbdWatcher,
} from '../../../src/core/snapshot.js';

const DIR = fileURLToPath(new URL('../../fixtures/core/', import.meta.url));

export function fixtureText(name: string): string {
  return readFileSync(`${DIR}${name}`, 'utf8');
}

function fixtureJson(name: string): unknown {
  return JSON.parse(fixtureText(name));
}

export function must<T>(r: Result<T, string>): T {
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

function record(v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new Error(`not an object: ${JSON.stringify(v)}`);
  return Object.fromEntries(Object.entries(v));
}

function list(v: unknown): unknown[] {
  if (!Array.isArray(v)) throw new Error(`not an array: ${JSON.stringify(v)}`);
  return v;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v));
const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : str(v));

/** `rbd lock ls --format json`. */
export function locksFrom(name: string): RbdLock[] {
  return list(fixtureJson(name)).map((item) => {
    const o = record(item);
    return { id: must(parseLockId(str(o.id))), locker: must(parseLocker(str(o.locker))), address: must(parseEntityAddr(str(o.address))) };
  });
}

/** `rbd status --format json`. */
export function watchersFrom(name: string): RbdWatcher[] {
  return list(record(fixtureJson(name)).watchers).map((item) => {
    const o = record(item);
    return { address: must(parseEntityAddr(str(o.address))), client: str(o.client), cookie: str(o.cookie) };
  });
}

/** `ceph osd blocklist ls` (plain: `<addr> <until>` per line, nothing when empty). */
export function blocklistFrom(name: string): BlocklistEntry[] {
  return fixtureText(name).split('\n').filter((l) => l.trim() !== '').map((line) => {
    const [addr = '', until = ''] = line.trim().split(/\s+/);
    return { address: must(parseEntityAddr(addr)), until };
  });
}

/** `rbd info --format json`. */
export function infoFrom(name: string): RbdImageInfo {
  const o = record(fixtureJson(name));
  return { features: list(o.features).map(str), flags: list(o.flags).map(str) };
}

/** The last line of a recorded stderr: what an adapter would report as the failure. */
export function stderrLine(name: string): string {
  const lines = fixtureText(name).split('\n').filter((l) => l.trim() !== '');
  return lines[lines.length - 1] ?? '';
}

function serverView(s: Record<string, unknown>): NovaInstanceView {
  const volumes = list(s['os-extended-volumes:volumes_attached'] ?? []).map((v) => str(record(v).id));
  const power = s['OS-EXT-STS:power_state'];
  return {
    id: must(parseInstanceId(str(s.id))),
    name: str(s.name),
    projectId: strOrNull(s.tenant_id),
    status: str(s.status),
    vmState: strOrNull(s['OS-EXT-STS:vm_state']),
    powerState: typeof power === 'number' ? power : null,
    taskState: strOrNull(s['OS-EXT-STS:task_state']),
    host: strOrNull(s['OS-EXT-SRV-ATTR:host']),
    hypervisorHostname: strOrNull(s['OS-EXT-SRV-ATTR:hypervisor_hostname']),
    hostStatus: strOrNull(s.host_status),
    volumeIds: volumes,
    bootFromVolume: s.image === '' || s.image === undefined,
  };
}

/** `GET /servers/{id}` (`{"server": …}`), or one server by name from `GET /servers/detail`. */
export function serverFrom(file: string, name?: string): NovaInstanceView {
  const body = record(fixtureJson(file));
  if (name === undefined) return serverView(record(body.server));
  const found = list(body.servers).map(record).find((s) => s.name === name);
  if (!found) throw new Error(`no server ${name} in ${file}`);
  return serverView(found);
}

/** One host's nova-compute from `GET /os-services?binary=nova-compute`. Nova's updated_at has no zone: UTC. */
export function serviceFrom(file: string, host: string): ComputeServiceView {
  const found = list(record(fixtureJson(file)).services).map(record).find((s) => s.host === host);
  if (!found) throw new Error(`no service on ${host} in ${file}`);
  const updated = strOrNull(found.updated_at);
  return {
    host,
    state: found.state === 'down' ? 'down' : 'up',
    status: found.status === 'disabled' ? 'disabled' : 'enabled',
    forcedDown: found.forced_down === true,
    updatedAt: updated === null ? null : new Date(`${updated}Z`).toISOString(),
    disabledReason: strOrNull(found.disabled_reason),
  };
}

export function specOf(pool: string, image: string): ImageSpec {
  return imageSpec(must(parsePoolName(pool)), must(parseImageName(image)));
}

export function diskSpec(id: InstanceId, suffix = '_disk'): ImageSpec {
  return specOf('vms', `${id}${suffix}`);
}

export interface DiskInput {
  image?: ImageSpec;
  role?: DiskObservation['role'];
  volumeId?: string;
  locks: RbdLock[] | string; // a string is the error of `rbd lock ls`
  watchers: RbdWatcher[] | string;
  info?: RbdImageInfo | string;
}

function asResult<T>(v: T | string): Result<T, string> {
  return typeof v === 'string' ? err(v) : ok(v);
}

/** `GET /os-hypervisors/detail`, with per-hypervisor changes (the lab's computes share host_ip 127.0.0.1). */
export function hypervisorsFrom(name: string, changes: Record<string, Partial<HypervisorView>> = {}): HypervisorView[] {
  return list(record(fixtureJson(name)).hypervisors).map((item) => {
    const o = record(item);
    const service = o.service === undefined || o.service === null ? null : record(o.service);
    const state = o.state === 'up' || o.state === 'down' ? o.state : null;
    const h: HypervisorView = { hypervisorHostname: str(o.hypervisor_hostname), host: strOrNull(service?.host), hostIp: strOrNull(o.host_ip), state };
    return { ...h, ...changes[h.hypervisorHostname] };
  });
}

export const CLEAN_INFO: RbdImageInfo = { features: ['layering', 'exclusive-lock', 'object-map', 'fast-diff', 'deep-flatten'], flags: [] };

export interface SnapshotInput {
  server?: NovaInstanceView;
  service?: ComputeServiceView | null | string; // a string is the lookup's error
  blocklist?: BlocklistEntry[] | string;
  disks?: DiskInput[];
  discoveryErrors?: string[];
  observedAt?: string;
  hypervisors?: HypervisorView[] | string;
}

/** vm-1 on compute-2, a few seconds after compute-2's heartbeat stopped in the recordings. */
export const OBSERVED_AT = '2026-11-24T23:47:10.000Z';

export function defaultServer(): NovaInstanceView {
  return serverFrom('server-show.mv2.93.json');
}

export function upService(host = 'compute-2'): ComputeServiceView {
  return serviceFrom('os-services-nova-compute.mv2.93.json', host);
}

export function snapshotOf(input: SnapshotInput = {}): InspectionSnapshot {
  const server = input.server ?? defaultServer();
  const service = input.service === undefined ? upService(server.host ?? 'compute-2') : input.service;
  return {
    observedAt: input.observedAt ?? OBSERVED_AT,
    instance: server,
    computeService: typeof service === 'string' ? err(service) : ok(service),
    blocklist: asResult(input.blocklist ?? blocklistFrom('blocklist-ls-empty.txt')),
    hypervisors: asResult(input.hypervisors ?? hypervisorsFrom('os-hypervisors-detail.mv2.93.json')),
    disks: (input.disks ?? []).map((d) => ({
      image: d.image ?? diskSpec(server.id),
      role: d.role ?? 'ephemeral',
      ...(d.volumeId === undefined ? {} : { volumeId: d.volumeId }),
      locks: asResult(d.locks),
      watchers: asResult(d.watchers),
      info: asResult(d.info ?? CLEAN_INFO),
    })),
    discoveryErrors: input.discoveryErrors ?? [],
  };
}

/** Values the recordings do not have (the seed article's addresses, a nonce-0 address), parsed as an adapter would. */
export function mustAddr(text: string): EntityAddr {
  return must(parseEntityAddr(text));
}

export function mustLock(l: { id: string; locker: string; address: string }): RbdLock {
  return { id: must(parseLockId(l.id)), locker: must(parseLocker(l.locker)), address: mustAddr(l.address) };
}

export function mustWatcher(w: { address: string; client: string; cookie: string }): RbdWatcher {
  return { address: mustAddr(w.address), client: w.client, cookie: w.cookie };
}
