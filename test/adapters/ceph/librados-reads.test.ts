// The librados read path of the Ceph adapter against a fake read helper at the process boundary
// (test/support/fake-rados-helper.mjs): the supervision (several calls in flight, a hung call, a crash, a helper that
// cannot start) and the mapping of librados' answers, recorded on the 16.2.15 lab, to the adapter's coded errors.
// The real helper against the real cluster: rbd-cli.lab.test.ts; against a dead cluster: unreachable-cluster.test.ts.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CephCommandError, CephNotFoundError, CephOutputError, CephPermissionError, CephTimeoutError, createCephAdapter, type CephAdapter,
} from '../../../src/adapters/ceph/index.js';
import type { ImageSpec, PoolName } from '../../../src/core/ids.js';
import { rejectionOf } from '../../support/ceph-expect.js';

const FAKE = fileURLToPath(new URL('../../support/fake-rados-helper.mjs', import.meta.url));
const spec = (image: string) => `vms/${image}` as ImageSpec;
const opened: CephAdapter[] = [];

interface Rule { match: Record<string, string>; action?: 'hang' | 'abort' | 'exit' | 'env'; reply?: object; delayMs?: number; stderr?: string; code?: number }

function adapter(rules: Rule[], extra: { timeoutMs?: number; baseEnv?: NodeJS.ProcessEnv } = {}): CephAdapter {
  const file = join(mkdtempSync(join(tmpdir(), 'vmlocks-fake-helper-')), 'rules.json');
  writeFileSync(file, JSON.stringify(rules));
  const a = createCephAdapter({ id: 'vmlocks', timeoutMs: extra.timeoutMs ?? 10_000, helperCommand: [process.execPath, FAKE, file], ...(extra.baseEnv ? { baseEnv: extra.baseEnv } : {}) });
  opened.push(a);
  return a;
}
afterEach(async () => { await Promise.all(opened.splice(0).map((a) => a.close())); });

/** What the fake helper's `env` rule answered (pid first, then env): the adapter reports it as unreadable output. */
async function helperSelf(ceph: CephAdapter): Promise<{ pid: number; text: string }> {
  const e = await rejectionOf(ceph.listBlocklist(), CephOutputError);
  return { pid: Number(/^\{"pid":(\d+)/.exec(e.excerpt)?.[1]), text: e.excerpt };
}

const LOCK = '[{"id": "auto 140634274927808", "locker": "client.14188", "address": "127.0.0.1:0/340810806"}]';

describe('one helper process, several calls in flight', () => {
  it('matches answers to calls by id when they come back in another order', async () => {
    const ceph = adapter([
      { match: { op: 'lock_ls', image: 'slow_disk' }, delayMs: 300, reply: { ok: true, out: LOCK } },
      { match: { op: 'lock_ls', image: 'fast_disk' }, reply: { ok: true, out: '[]' } },
    ]);
    const order: string[] = [];
    const slow = ceph.listLocks(spec('slow_disk')).then((r) => { order.push('slow'); return r; });
    const fast = ceph.listLocks(spec('fast_disk')).then((r) => { order.push('fast'); return r; });
    expect(await fast).toEqual([]);
    expect(await slow).toEqual([{ id: 'auto 140634274927808', locker: 'client.14188', address: '127.0.0.1:0/340810806' }]);
    expect(order).toEqual(['fast', 'slow']);
  });

  it('keeps a 64-bit watch cookie exact (the answer is the CLI\'s JSON as text)', async () => {
    const ceph = adapter([{ match: { op: 'status' }, reply: { ok: true, out: '{"watchers": [{"address": "127.0.0.1:0/1", "client": 4156, "cookie": 18446744073709551615}]}' } }]);
    expect(await ceph.listWatchers(spec('a_disk'))).toEqual([{ address: '127.0.0.1:0/1', client: '4156', cookie: '18446744073709551615' }]);
  });

  it('gives the helper only the Ceph variables, PATH and locale, never the bot\'s secrets', async () => {
    const ceph = adapter([{ match: { op: 'blocklist_ls' }, action: 'env' }], {
      baseEnv: { PATH: '/usr/bin', CEPH_CONF: '/etc/ceph/x.conf', SLACK_BOT_TOKEN: 'xoxb-secret', OS_PASSWORD: 'secret', HOME: '/root' },
    });
    const { text } = await helperSelf(ceph);
    expect(text).toContain('"env":{"PATH":"/usr/bin","CEPH_CONF":"/etc/ceph/x.conf"}');
    expect(text).not.toContain('secret');
  });
});

describe('a helper that hangs, crashes or cannot start', () => {
  it('fails a hung call with the timeout error at the deadline, and replaces the stuck process', async () => {
    const ceph = adapter([
      { match: { op: 'lock_ls', image: 'hung_disk' }, action: 'hang' },
      { match: { op: 'lock_ls' }, reply: { ok: true, out: '[]' } },
      { match: { op: 'blocklist_ls' }, action: 'env' },
    ], { timeoutMs: 1000 });
    const first = (await helperSelf(ceph)).pid;
    const e = await rejectionOf(ceph.listLocks(spec('hung_disk')), CephTimeoutError);
    expect(e.userMessage).toContain('within 1000 ms; the connection was replaced');
    expect(e.argv.slice(-5)).toEqual(['lock', 'ls', 'vms/hung_disk', '--format', 'json']);
    expect(await ceph.listLocks(spec('other_disk'))).toEqual([]);
    const second = (await helperSelf(ceph)).pid;
    expect(second).not.toBe(first);
    expect(() => process.kill(first, 0)).toThrow();
  });

  it('fails the calls in flight when the helper aborts, and starts a new one for the next call', async () => {
    const ceph = adapter([
      { match: { op: 'info', image: 'boom_disk' }, action: 'abort', delayMs: 50 },
      { match: { op: 'info' }, reply: { ok: true, out: '{"name": "x", "features": ["layering"], "flags": []}' } },
      { match: { op: 'lock_ls' }, action: 'hang' },
    ]);
    const inFlight = ceph.listLocks(spec('waiting_disk'));
    const e = await rejectionOf(ceph.imageInfo(spec('boom_disk')), CephCommandError);
    expect(e.userMessage).toContain('The Ceph read helper stopped during `rbd info` (the Ceph read helper exited (SIGABRT)');
    expect((await rejectionOf(inFlight, CephCommandError)).message).toContain('SIGABRT');
    expect(await ceph.imageInfo(spec('fine_disk'))).toEqual({ features: ['layering'], flags: [] });
  });

  it('says which package to install when the helper cannot import the rados module', async () => {
    const ceph = adapter([{ match: {}, action: 'exit', code: 1, stderr: "Traceback (most recent call last):\nModuleNotFoundError: No module named 'rados'\n" }]);
    const e = await rejectionOf(ceph.listImages('vms' as PoolName), CephCommandError);
    expect(e.userMessage).toBe('The Ceph read helper cannot import rados: install python3-rados and python3-rbd (Debian), or set VMLOCKS_CEPH_READS=cli.');
  });

  it('reports a helper program that does not exist as a command error', async () => {
    const ceph = createCephAdapter({ id: 'vmlocks', helperCommand: ['/nonexistent/python3'] });
    opened.push(ceph);
    const e = await rejectionOf(ceph.listBlocklist(), CephCommandError);
    expect(e.message).toContain('could not start /nonexistent/python3');
  });
});

// librados' answers as the real helper reported them on the 16.2.15 lab (errno, stage, message)
describe("librados' failures become the adapter's coded errors", () => {
  const fail = (errno: number, stage: string, error: string) => ({ ok: false, errno, stage, error });

  it('a missing pool and a missing image are not found, with the pool or image named', async () => {
    const ceph = adapter([
      { match: { pool: 'nopool' }, reply: fail(2, 'pool', "[errno 2] RADOS object not found (error opening pool 'nopool')") },
      { match: { op: 'info' }, reply: fail(2, 'image', "[errno 2] RBD image not found (error opening image b'nope_disk' at snapshot None)") },
    ]);
    const pool = await rejectionOf(ceph.listLocks('nopool/x_disk' as ImageSpec), CephNotFoundError);
    expect([pool.what, pool.target, pool.exitCode]).toEqual(['pool', 'nopool', 2]);
    const image = await rejectionOf(ceph.imageInfo(spec('nope_disk')), CephNotFoundError);
    expect([image.what, image.target]).toEqual(['image', 'vms/nope_disk']);
    expect(image.userMessage).toContain('Image vms/nope_disk does not exist');
  });

  it('a pool without caps (EPERM) names the osd cap to grant', async () => {
    const ceph = adapter([{ match: { op: 'lock_ls' }, reply: fail(1, 'image', "[errno 1] RBD permission error (error opening image b'img' at snapshot None)") }]);
    const e = await rejectionOf(ceph.listLocks('volumes/img' as ImageSpec), CephPermissionError);
    expect(e.grant).toBe("osd 'profile rbd pool=volumes'");
    expect(e.userMessage).toContain('client.vmlocks has no access to pool volumes');
  });

  it('a blocklist read the monitors refuse names the mon cap', async () => {
    const ceph = adapter([{ match: { op: 'blocklist_ls' }, reply: fail(13, 'call', '[errno 13] access denied') }]);
    expect((await rejectionOf(ceph.listBlocklist(), CephPermissionError)).grant).toBe("mon 'profile rbd'");
  });

  it('at connect: no keyring, a refused key, and no monitor within client_mount_timeout', async () => {
    const ceph = adapter([
      { match: { pool: 'a' }, reply: fail(2, 'connect', '[errno 2] RADOS object not found (error connecting to the cluster)') },
      { match: { pool: 'b' }, reply: fail(13, 'connect', '[errno 13] RADOS permission denied (error connecting to the cluster)') },
      { match: { pool: 'c' }, reply: fail(110, 'connect', '[errno 110] RADOS timed out (error connecting to the cluster)') },
    ]);
    expect((await rejectionOf(ceph.listImages('a' as PoolName), CephPermissionError)).userMessage).toContain('No keyring for client.vmlocks was found');
    expect((await rejectionOf(ceph.listImages('b' as PoolName), CephPermissionError)).userMessage).toContain('Ceph refused to authenticate client.vmlocks');
    const t = await rejectionOf(ceph.listImages('c' as PoolName), CephTimeoutError);
    expect(t.userMessage).toContain('Ceph did not answer `rbd ls` within 8 s');
    expect(t.argv).toEqual(expect.arrayContaining(['--client_mount_timeout', '8']));
  });

  it('refuses an input before anything is sent to the helper', async () => {
    const ceph = adapter([{ match: {}, action: 'abort' }]);
    await expect(ceph.listLocks('vms/../x' as ImageSpec)).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await rejectionOf(ceph.listImages('--id=admin' as PoolName), Error)).toMatchObject({ code: 'invalid_input', field: 'pool' });
  });
});
