/**
 * zod schemas of the `rbd`/`ceph --format json` outputs the adapter reads (shapes recorded on Ceph 16.2.15, see
 * test/fixtures/ceph/). Each produces the branded types of core/ids.ts. Integers arrive as decimal strings
 * (ceph-json.ts quotes them so that 64-bit cookies keep every digit).
 */
import { z } from 'zod';
import {
  parseEntityAddr, parseImageName, parseLockId, parseLocker,
  type EntityAddr, type ImageName, type LockId, type Locker,
} from '../../core/ids.js';
import { branded } from '../../core/branded-schema.js';

const Decimal = z.string().regex(/^\d{1,20}$/, 'expected a non-negative integer');

/**
 * `rbd ls <pool> --format json`: `["<uuid>_disk", "volume-<uuid>", ...]`. Ceph allows names vmlocks refuses (spaces,
 * `@`...); such images are not OpenStack disks and are left out rather than failing the whole pool.
 */
export const RbdImageList = z.array(z.string()).transform((names) =>
  names.flatMap((n): ImageName[] => {
    const r = parseImageName(n);
    return r.ok ? [r.value] : [];
  }));
export type RbdImageList = z.infer<typeof RbdImageList>;

/** `rbd lock ls --format json`: `[{"id": "auto 140634274927808", "locker": "client.14188", "address": "127.0.0.1:0/340810806"}]`. */
export const RbdLockList = z.array(z.object({
  id: branded<LockId>(parseLockId),
  locker: branded<Locker>(parseLocker),
  address: branded<EntityAddr>(parseEntityAddr),
}));
export type RbdLockList = z.infer<typeof RbdLockList>;

/** `rbd status --format json`: `{"watchers": [{"address": "...", "client": 14188, "cookie": 140634274927808}]}`. */
export const RbdStatus = z.object({
  watchers: z.array(z.object({
    address: branded<EntityAddr>(parseEntityAddr),
    client: Decimal,
    cookie: Decimal,
  })),
});
export type RbdStatus = z.infer<typeof RbdStatus>;

/** `rbd info --format json`: only what vmlocks uses; `flags` holds `object map invalid`, `fast diff invalid`. */
export const RbdInfo = z.object({
  name: z.string(),
  features: z.array(z.string().regex(/^[a-z0-9-]{1,64}$/)),
  flags: z.array(z.string().regex(/^[a-z ]{1,64}$/)),
});
export type RbdInfo = z.infer<typeof RbdInfo>;

/** `ceph osd blocklist ls --format json`, first value: `[{"addr": "127.0.0.1:0/340810806", "until": "2026-11-25T00:22:27.225614+0000"}]`. */
export const CephBlocklist = z.array(z.object({
  addr: branded<EntityAddr>(parseEntityAddr),
  until: z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})$/, 'expected an ISO time'),
}));
export type CephBlocklist = z.infer<typeof CephBlocklist>;
