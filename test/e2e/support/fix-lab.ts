/**
 * The lab side of the fix workflow's end-to-end tests: Nova servers pinned to a compute (as admin) whose root disk
 * is a real RBD image in one of the Ceph scenarios, what Nova recorded about them (instance actions), and a counting
 * `rbd` wrapper put first on the bot's PATH so that the tests count the commands the bot really spawned.
 */
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { parseInstanceId, type ImageSpec, type InstanceId } from '../../../src/core/ids.js';
import { diskSpecFor } from '../../support/ceph-scenarios.js';
import { uniqueName, type ComputeHost, type NovaLab } from '../../support/nova-lab.js';

export interface LabServer {
  id: InstanceId;
  name: string;
  host: ComputeHost;
  /** Its root disk, `vms/<uuid>_disk`. */
  spec: ImageSpec;
}

/** Boots a server pinned to `host` as admin and waits until it is ACTIVE; `booted` collects it for afterAll. */
export async function bootServer(lab: NovaLab, prefix: string, booted: string[], host: ComputeHost = 'compute-1'): Promise<LabServer> {
  const name = uniqueName(prefix);
  const raw = await lab.admin.bootServer(name, host, lab.imageId);
  booted.push(raw);
  const id = parseInstanceId(raw);
  if (!id.ok) throw new Error(id.error);
  await lab.admin.waitServer(raw, 'ACTIVE', 120_000);
  return { id: id.value, name, host, spec: diskSpecFor(raw) };
}

const InstanceActions = z.object({
  instanceActions: z.array(z.object({ action: z.string(), request_id: z.string(), start_time: z.string() })),
});
export type InstanceAction = z.infer<typeof InstanceActions>['instanceActions'][number];

/** Nova's record of the actions on a server (admin, `GET /servers/{id}/os-instance-actions`). */
export async function instanceActions(lab: NovaLab, id: string): Promise<InstanceAction[]> {
  const r = await lab.admin.call('GET', `/servers/${id}/os-instance-actions`);
  if (r.status !== 200) throw new Error(`instance actions of ${id}: HTTP ${r.status}`);
  return InstanceActions.parse(r.json).instanceActions;
}

export async function rebootActions(lab: NovaLab, id: string): Promise<InstanceAction[]> {
  return (await instanceActions(lab, id)).filter((a) => a.action === 'reboot');
}

const ServerState = z.object({
  server: z.object({
    status: z.string(), 'OS-EXT-STS:task_state': z.string().nullable(), 'OS-EXT-STS:power_state': z.number(),
  }),
});

export async function serverState(lab: NovaLab, id: string): Promise<{ status: string; taskState: string | null; powerState: number }> {
  const r = await lab.admin.call('GET', `/servers/${id}`);
  const s = ServerState.parse(r.json).server;
  return { status: s.status, taskState: s['OS-EXT-STS:task_state'], powerState: s['OS-EXT-STS:power_state'] };
}

export interface RbdCounter {
  /** Prepend to the bot's PATH. */
  dir: string;
  /** The environment to give the bot: PATH with the wrapper first, and where the wrapper writes. */
  env: Record<string, string>;
  /** Every rbd invocation so far, as its argv (without the program). */
  invocations(): string[][];
}

/**
 * Writes an `rbd` executable that records its argv (one line per call, arguments separated by US, 0x1f) and then
 * `exec`s the real rbd with the same argv: the same process (execa's timeout still kills the real rbd), output and
 * exit code. A fake at the process boundary that changes nothing but counts.
 */
export function installRbdCounter(realRbd = '/usr/bin/rbd'): RbdCounter {
  const dir = mkdtempSync(path.join(tmpdir(), 'vmlocks-e2e-rbd-'));
  const log = path.join(dir, 'invocations.log');
  const wrapper = path.join(dir, 'rbd');
  writeFileSync(wrapper, [
    '#!/bin/bash',
    `{ printf '%s\\037' "$@"; printf '\\n'; } >> '${log}'`,
    `exec '${realRbd}' "$@"`,
    '',
  ].join('\n'));
  chmodSync(wrapper, 0o755);
  return {
    dir,
    env: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}` },
    invocations: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l !== '')
      .map((l) => l.split('\x1f').slice(0, -1)) : []),
  };
}

/** Whether an argv (without the program) is `rbd ... lock rm <spec> ...` on `spec`. */
export function isLockRm(argv: readonly string[], spec: string): boolean {
  const i = argv.indexOf('lock');
  return i >= 0 && argv[i + 1] === 'rm' && argv.includes(spec);
}
