// Every adapter call against a cluster that does not answer (a conf naming a closed port on 127.0.0.1) fails with
// the timed-out error, in bounded time: the CLIs and the librados connection get their own timeouts (without them
// rbd waits 300 s). Runs the real rbd/ceph CLIs (ceph-common) and the real read helper (python3-rados,
// python3-rbd), both read paths; no lab needed.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CephTimeoutError, createCephAdapter, type CephAdapter, type CephCliOptions, type CephReadsMode } from '../../../src/adapters/ceph/index.js';
import type { CephPort } from '../../../src/ports.js';
import type { EntityAddr, ImageSpec, LockId, Locker, PoolName } from '../../../src/core/ids.js';
import { rejectionOf } from '../../support/ceph-expect.js';

const TIMEOUT_MS = 3000;
let dir = '';
let options: CephCliOptions;

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vmlocks-dead-ceph-'));
  const port = await closedPort();
  const key = (await execa('ceph-authtool', ['--gen-print-key'], { timeout: 10_000 })).stdout.trim();
  writeFileSync(join(dir, 'ceph.conf'), `[global]\nfsid = ${randomUUID()}\nmon host = 127.0.0.1:${port}\nauth client required = cephx\n`);
  writeFileSync(join(dir, 'ceph.client.vmlocks.keyring'), `[client.vmlocks]\n\tkey = ${key}\n`);
  options = { id: 'vmlocks', timeoutMs: TIMEOUT_MS, env: { CEPH_CONF: join(dir, 'ceph.conf'), CEPH_KEYRING: join(dir, 'ceph.client.vmlocks.keyring') } };
});

const adapters: CephAdapter[] = [];
afterAll(async () => {
  await Promise.all(adapters.map((a) => a.close()));
  if (dir !== '') rmSync(dir, { recursive: true, force: true });
});

function adapter(reads: CephReadsMode): CephAdapter {
  const a = createCephAdapter({ ...options, reads });
  adapters.push(a);
  return a;
}

const spec = 'vms/0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e01_disk' as ImageSpec;
const calls: Array<[string, (c: CephPort) => Promise<unknown>]> = [
  ['listImages', (c) => c.listImages('vms' as PoolName)],
  ['listLocks', (c) => c.listLocks(spec)],
  ['listWatchers', (c) => c.listWatchers(spec)],
  ['imageInfo', (c) => c.imageInfo(spec)],
  ['removeLock', (c) => c.removeLock(spec, 'auto 140634274927808' as LockId, 'client.14188' as Locker)],
  ['listBlocklist', (c) => c.listBlocklist()],
  ['addToBlocklist', (c) => c.addToBlocklist('127.0.0.1:0/340810806' as EntityAddr, 3600)],
  ['rebuildObjectMap', (c) => c.rebuildObjectMap(spec)],
];

describe.each(['cli', 'librados'] as const)('a cluster that does not answer (reads: %s)', (reads) => {
  it.concurrent.each(calls)('%s fails with the timed-out error within its timeout', async (_name, call) => {
    const started = performance.now();
    const e = await rejectionOf(call(adapter(reads)), CephTimeoutError);
    const elapsed = performance.now() - started;
    expect(e.code).toBe('timeout');
    expect(e.userMessage).toMatch(/did not answer/);
    expect(e.argv).toContain('--client_mount_timeout');
    // generous bound: the CLI gives up after 2 s, execa kills at 3 s; a missing CLI timeout would take 300 s
    expect(elapsed).toBeLessThan(TIMEOUT_MS + 7000);
  });
});
