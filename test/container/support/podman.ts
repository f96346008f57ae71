/**
 * The image under test (built by scripts/container-smoke.sh) and podman, for the container smoke test: run the
 * image as an operator would (`--network host`, ceph.conf and the bot's keyring mounted read-only, OpenStack
 * credentials as OS_* variables), and mount its filesystem read-only on the host to look inside it.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, lstatSync } from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { cephLab } from '../../support/ceph-lab.js';
import { CLOUDS, findNovaLab } from '../../support/nova-lab.js';

export const IMAGE = process.env.VMLOCKS_CONTAINER_IMAGE ?? 'localhost/vmlocks:smoke';

export interface PodmanRun { exitCode: number; stdout: string; stderr: string }

/** `podman <args>` with a timeout; never throws on a non-zero exit. Values of `env` reach podman only. */
export async function podman(args: string[], env: Record<string, string> = {}, timeoutMs = 120_000): Promise<PodmanRun> {
  const r = await execa('podman', args, { env, extendEnv: true, reject: false, stdin: 'ignore', timeout: timeoutMs });
  if (r.timedOut) throw new Error(`podman ${args.slice(0, 3).join(' ')} … did not finish within ${timeoutMs} ms`);
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function uniqueContainerName(what: string): string {
  return `vmlocks-smoke-${what}-${randomUUID().slice(0, 8)}`;
}

/**
 * What an operator passes to `podman run`/`docker run`: ceph.conf and the bot's keyring read-only (nothing else
 * of /etc/ceph), CEPH_ID, and the bot's OpenStack credentials as OS_* variables. The values travel in podman's
 * environment (`--env NAME` without a value), never in its argv.
 */
export async function operatorRunOptions(): Promise<{ args: string[]; env: Record<string, string> }> {
  const ceph = cephLab();
  const nova = await findNovaLab();
  const cloud = nova.clouds[CLOUDS.bot];
  if (cloud === undefined) throw new Error(`${nova.cloudsYaml} has no cloud ${CLOUDS.bot}`);
  const env: Record<string, string> = {
    CEPH_ID: 'vmlocks',
    CEPH_CONF: '/etc/ceph/ceph.conf',
    CEPH_KEYRING: '/etc/ceph/ceph.client.vmlocks.keyring',
    OS_AUTH_URL: cloud.auth.auth_url,
    OS_USERNAME: cloud.auth.username ?? '',
    OS_PASSWORD: cloud.auth.password ?? '',
    OS_PROJECT_NAME: cloud.auth.project_name ?? '',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: cloud.region_name,
  };
  const args = [
    '--network', 'host',
    '--volume', `${ceph.conf}:/etc/ceph/ceph.conf:ro`,
    '--volume', `${ceph.keyringFor('vmlocks')}:/etc/ceph/ceph.client.vmlocks.keyring:ro`,
    ...Object.keys(env).flatMap((name) => ['--env', name]),
  ];
  return { args, env };
}

/** Mounts the image's filesystem (read-only view, root only) and returns its path; `unmount` undoes it. */
export async function mountImage(): Promise<{ root: string; unmount(): Promise<void> }> {
  const r = await podman(['image', 'mount', IMAGE]);
  if (r.exitCode !== 0) throw new Error(`podman image mount ${IMAGE}: ${r.stderr}`);
  const root = r.stdout.trim();
  return { root, unmount: async () => { await podman(['image', 'unmount', IMAGE]); } };
}

/** Every regular file under `dir` (no symlinks followed), as paths relative to `root`. */
export function filesUnder(root: string, dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string): void => {
    let names: string[];
    try { names = readdirSync(abs); } catch { return; }
    for (const name of names) {
      const p = path.join(abs, name);
      const st = lstatSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile()) out.push(path.relative(root, p));
    }
  };
  walk(path.join(root, dir));
  return out;
}

export interface ImageConfig {
  User: string;
  Env: string[];
  Entrypoint: string[] | null;
  Cmd: string[] | null;
  Labels: Record<string, string> | null;
  Healthcheck?: { Test: string[] } | null;
  ExposedPorts?: Record<string, object> | null;
}

export async function imageConfig(): Promise<{ config: ImageConfig; size: number }> {
  const r = await podman(['image', 'inspect', IMAGE]);
  if (r.exitCode !== 0) throw new Error(`podman image inspect ${IMAGE}: ${r.stderr}`);
  const [image] = JSON.parse(r.stdout) as Array<{ Config: ImageConfig; Size: number; Healthcheck?: { Test: string[] } }>;
  if (image === undefined) throw new Error(`no image ${IMAGE}`);
  return { config: { ...image.Config, Healthcheck: image.Config.Healthcheck ?? image.Healthcheck ?? null }, size: image.Size };
}
