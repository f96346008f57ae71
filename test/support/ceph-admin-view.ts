/**
 * What an admin sees on the lab, read without the adapter under test (plain `rbd`/`ceph` as client.admin, then
 * zod): locks, watchers and blocklist, for scenario set-up and for checking the adapter against an independent view.
 */
import { z } from 'zod';
import type { ImageSpec } from '../../src/core/ids.js';
import { adminRun, sleep } from './ceph-lab.js';

const AdminLocks = z.array(z.object({ id: z.string(), locker: z.string(), address: z.string() }));
export type AdminLock = z.infer<typeof AdminLocks>[number];

// Cookies are only compared as text here: quote the integers before JSON.parse so that none is rounded.
const AdminStatus = z.object({ watchers: z.array(z.object({ address: z.string(), client: z.string(), cookie: z.string() })) });
export type AdminWatcher = z.infer<typeof AdminStatus>['watchers'][number];

const AdminBlocklist = z.array(z.object({ addr: z.string(), until: z.string() }));

function quoteIntegers(json: string): string {
  return json.replace(/(?<=[:,[]\s*)(\d+)(?=\s*[,}\]])/g, '"$1"');
}

export async function adminLocks(spec: ImageSpec): Promise<AdminLock[]> {
  return AdminLocks.parse(JSON.parse((await adminRun('rbd', ['lock', 'ls', spec, '--format', 'json'])).stdout));
}

export async function adminWatchers(spec: ImageSpec): Promise<AdminWatcher[]> {
  return AdminStatus.parse(JSON.parse(quoteIntegers((await adminRun('rbd', ['status', spec, '--format', 'json'])).stdout))).watchers;
}

/** Addresses in the OSD blocklist (the first of the two JSON values `ceph osd blocklist ls` prints). */
export async function adminBlocklist(): Promise<string[]> {
  const out = (await adminRun('ceph', ['osd', 'blocklist', 'ls', '--format', 'json'])).stdout.trim();
  // Pacific appends the range blocklist, `[...]` without nested brackets in the lab (IPv4 only): drop it
  const first = /^([\s\S]*\])\s*\[[^[\]]*\]$/.exec(out)?.[1] ?? out;
  return AdminBlocklist.parse(JSON.parse(first)).map((e) => e.addr);
}

/** Polls `check` until it returns true; throws with `what` after timeoutMs. */
export async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs: number, intervalMs = 250): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(intervalMs);
  }
}
