/**
 * Branded identifiers and their parsers. Every string that reaches the core from Slack, Ceph or Nova
 * passes through one of these first; the rest of the code can then trust the type.
 */
import { err, ok, type Result } from './result.js';

declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

/** A Nova instance UUID, lower-case, with dashes. */
export type InstanceId = Brand<string, 'InstanceId'>;
/** A Ceph pool name that is safe to put in an argv (no option-like or path-like values). */
export type PoolName = Brand<string, 'PoolName'>;
/** An RBD image name that is safe to put in an argv. */
export type ImageName = Brand<string, 'ImageName'>;
/** `<pool>/<image>`, as the rbd CLI takes it. */
export type ImageSpec = Brand<string, 'ImageSpec'>;
/** An RBD lock id; exclusive locks are `auto <handle>`. */
export type LockId = Brand<string, 'LockId'>;
/** A lock owner's entity name, `client.<N>`. */
export type Locker = Brand<string, 'Locker'>;
/** A RADOS client address, `IP:port/nonce` (IPv6 in brackets). */
export type EntityAddr = Brand<string, 'EntityAddr'>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const UUID_NO_DASHES = /^[0-9a-f]{32}$/;

export function parseInstanceId(text: string): Result<InstanceId, string> {
  const t = text.trim().toLowerCase();
  if (UUID.test(t)) return ok(t as InstanceId);
  if (UUID_NO_DASHES.test(t)) {
    return ok(`${t.slice(0, 8)}-${t.slice(8, 12)}-${t.slice(12, 16)}-${t.slice(16, 20)}-${t.slice(20)}` as InstanceId);
  }
  return err(`"${truncate(text)}" is not an instance UUID`);
}

/** How the user named the instance. */
export type InstanceRef = { kind: 'uuid'; id: InstanceId } | { kind: 'name'; name: string };

export const INSTANCE_NAME_MAX = 255; // Nova's limit for server names
// Letters and digits of any script, and the punctuation seen in real server names. Shell and Slack
// mark-up characters (; | & $ ` < > \ " ' * ? { } ! #) are refused: nobody names a VM `$(reboot)`.
const INSTANCE_NAME = /^[\p{L}\p{N}][\p{L}\p{N} ._\-+()[\]@:,=~^%]*$/u;
// Looks like someone meant a UUID (only hex digits and dashes, several dashes or 30+ hex digits).
const UUID_ATTEMPT = /^(?=(?:[^-]*-){3})[0-9a-f-]{20,}$|^[0-9a-f]{30,}$/i;

export function parseInstanceRef(text: string): Result<InstanceRef, string> {
  const t = text.trim();
  if (t.length === 0) return err('give an instance name or UUID');
  const id = parseInstanceId(t);
  if (id.ok) return ok({ kind: 'uuid', id: id.value });
  if (UUID_ATTEMPT.test(t)) return err(`"${truncate(t)}" is not a valid UUID (expected 8-4-4-4-12 hex digits)`);
  if (t.length > INSTANCE_NAME_MAX) return err(`an instance name has at most ${INSTANCE_NAME_MAX} characters`);
  if (!INSTANCE_NAME.test(t)) return err(`"${truncate(t)}" is not a valid instance name (letters, digits, spaces and ._-+()[]@:,=~^% only)`);
  return ok({ kind: 'name', name: t });
}

/** A compute host as Nova names it (`OS-EXT-SRV-ATTR:host`): a hostname, possibly fully qualified. */
export function parseHostName(text: string): Result<string, string> {
  const t = text.trim();
  if (t.length === 0) return err('give a compute host name, e.g. compute-1');
  if (t.length > 255) return err('a host name has at most 255 characters');
  return /^[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9_-]*[A-Za-z0-9])?)*$/.test(t)
    ? ok(t)
    : err(`"${truncate(t)}" is not a valid host name (letters, digits, '-', '_' and dots between labels)`);
}

// Ceph accepts almost anything as a pool or image name; vmlocks accepts only what OpenStack creates
// (`vms`, `volumes`, `<uuid>_disk.local`, `volume-<uuid>`), so that no value can look like an option,
// a path or a snapshot (`@`), whatever reaches the argv.
const CEPH_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

function parseCephName(kind: string, text: string, max: number): Result<string, string> {
  if (text.length === 0) return err(`${kind} name is empty`);
  if (text.length > max) return err(`${kind} name is longer than ${max} characters`);
  if (!CEPH_NAME.test(text)) return err(`${kind} name "${truncate(text)}" may hold only letters, digits, '_', '.', '-' and must not start with '-' or '.'`);
  if (text.includes('..')) return err(`${kind} name "${truncate(text)}" must not contain ".."`);
  return ok(text);
}

export function parsePoolName(text: string): Result<PoolName, string> {
  const r = parseCephName('pool', text, 127);
  return r.ok ? ok(r.value as PoolName) : r;
}

export function parseImageName(text: string): Result<ImageName, string> {
  const r = parseCephName('image', text, 250);
  return r.ok ? ok(r.value as ImageName) : r;
}

export function imageSpec(pool: PoolName, image: ImageName): ImageSpec {
  return `${pool}/${image}` as ImageSpec;
}

export function parseImageSpec(text: string): Result<ImageSpec, string> {
  const slash = text.indexOf('/');
  if (slash < 0) return err(`image spec "${truncate(text)}" must be <pool>/<image>`);
  const pool = parsePoolName(text.slice(0, slash));
  if (!pool.ok) return pool;
  const image = parseImageName(text.slice(slash + 1));
  if (!image.ok) return image;
  return ok(imageSpec(pool.value, image.value));
}

export function splitImageSpec(spec: ImageSpec): { pool: PoolName; image: ImageName } {
  const slash = spec.indexOf('/');
  return { pool: spec.slice(0, slash) as PoolName, image: spec.slice(slash + 1) as ImageName };
}

// Printable ASCII, no leading '-' (it would be read as an option by the rbd CLI), at most 128.
const LOCK_ID = /^[!-,.-~][ -~]{0,127}$/;
export function parseLockId(text: string): Result<LockId, string> {
  return LOCK_ID.test(text) && !/\s$/.test(text) ? ok(text as LockId) : err(`lock id "${truncate(text)}" is not a valid RBD lock id`);
}

/** The handle of an exclusive lock (`auto <handle>`): librbd sets it to the owner's watch cookie. */
export function lockHandle(id: LockId): string | undefined {
  const m = /^auto (\d+)$/.exec(id);
  return m?.[1];
}

export function parseLocker(text: string): Result<Locker, string> {
  return /^client\.\d{1,20}$/.test(text) ? ok(text as Locker) : err(`locker "${truncate(text)}" is not client.<N>`);
}

export interface ParsedAddr { ip: string; port: number; nonce: number }

const ADDR = /^(?:(?:v1|v2|any):)?(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):(\d{1,5})\/(\d{1,10})$/;

export function parseEntityAddr(text: string): Result<EntityAddr, string> {
  const m = ADDR.exec(text);
  if (!m) return err(`address "${truncate(text)}" is not IP:port/nonce`);
  const ip = m[1] ?? '';
  if (!ip.startsWith('[') && ip.split('.').some((o) => Number(o) > 255)) return err(`address "${truncate(text)}" has a bad IPv4`);
  if (Number(m[2]) > 65535 || Number(m[3]) > 0xffffffff) return err(`address "${truncate(text)}" is out of range`);
  return ok(text.replace(/^(?:v1|v2|any):/, '') as EntityAddr);
}

export function splitEntityAddr(addr: EntityAddr): ParsedAddr {
  const m = ADDR.exec(addr);
  if (!m) throw new Error(`unparsed EntityAddr ${addr}`); // cannot happen: EntityAddr comes from parseEntityAddr
  return { ip: m[1] ?? '', port: Number(m[2]), nonce: Number(m[3]) };
}

function truncate(text: string, max = 60): string {
  const oneLine = text.replace(/[\r\n\t]/g, ' ');
  return oneLine.length > max ? `${oneLine.slice(0, max)}…` : oneLine;
}
