/**
 * The real Nova lab (scripts/nova-lab.sh) for tests: where it is, its clouds, and admin helpers for set-up that
 * the bot may not do (boot servers pinned to a host, lock, delete, stop and start a compute). Independent of
 * src/adapters/openstack, so that a bug there cannot hide in the set-up. Reused by the bot's end-to-end tests.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

export const LAB_SCRIPT = fileURLToPath(new URL('../../scripts/nova-lab.sh', import.meta.url));
export const COMPUTES = ['compute-1', 'compute-2'] as const;
export type ComputeHost = (typeof COMPUTES)[number];
export const CLOUDS = { admin: 'nova-lab-admin', bot: 'nova-lab-vmlocks', botAppCred: 'nova-lab-vmlocks-appcred' } as const;

const LabCloud = z.object({
  auth: z.object({
    auth_url: z.string(), username: z.string().optional(), password: z.string().optional(), project_name: z.string().optional(),
    application_credential_id: z.string().optional(), application_credential_secret: z.string().optional(),
  }),
  region_name: z.string(),
});
export type LabCloud = z.infer<typeof LabCloud>;
const LabClouds = z.object({ clouds: z.record(z.string(), LabCloud) });

export interface NovaLab {
  dir: string;
  cloudsYaml: string;
  clouds: Record<string, LabCloud>;
  imageId: string;
  /** OS_CLIENT_CONFIG_FILE and OS_CLOUD for one of CLOUDS. */
  envFor(cloud: string): Record<string, string>;
  admin: LabAdmin;
}

export function novaLabDir(env = process.env): string {
  return env.NOVA_LAB_DIR ?? path.join(env.VMLOCKS_LAB_DIR ?? '/tmp/vmlocks-lab', 'nova');
}

/** The running lab, or an error that says how to start it. */
export async function findNovaLab(): Promise<NovaLab> {
  const dir = novaLabDir();
  const cloudsYaml = path.join(dir, 'clouds.yaml');
  const imageFile = path.join(dir, 'run', 'image_id');
  if (!existsSync(cloudsYaml) || !existsSync(imageFile)) {
    throw new Error(`The Nova lab is not set up (no ${cloudsYaml}): run \`bash scripts/nova-lab.sh start\` (or \`npm run lab:up\`).`);
  }
  const clouds = LabClouds.parse(parseYaml(readFileSync(cloudsYaml, 'utf8'))).clouds;
  const adminCloud = clouds[CLOUDS.admin];
  if (adminCloud === undefined) throw new Error(`${cloudsYaml} has no cloud ${CLOUDS.admin}: re-run scripts/nova-lab.sh start`);
  const admin = createLabAdmin(adminCloud);
  try {
    await admin.token();
  } catch (e) {
    throw new Error(`The Nova lab in ${dir} is not running (Keystone did not answer): run \`bash scripts/nova-lab.sh start\`.`, { cause: e });
  }
  return {
    dir, cloudsYaml, clouds, admin,
    imageId: readFileSync(imageFile, 'utf8').trim(),
    envFor: (cloud) => ({ OS_CLIENT_CONFIG_FILE: cloudsYaml, OS_CLOUD: cloud }),
  };
}

/** A unique server name (the lab is shared): `prefix-<8 hex>`. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

const ServerBody = z.object({
  server: z.object({
    id: z.string(), name: z.string(), status: z.string(), 'OS-EXT-SRV-ATTR:host': z.string().nullish(),
    fault: z.object({ message: z.string() }).optional(),
  }),
});
const ServiceList = z.object({ services: z.array(z.object({ host: z.string(), state: z.string(), status: z.string(), updated_at: z.string().nullable() })) });

export interface LabAdmin {
  token(): Promise<string>;
  /** An admin call to Nova (microversion 2.74 unless given) or Keystone (`/v3/...` paths). */
  call(method: string, pathAndQuery: string, body?: unknown, microversion?: string): Promise<{ status: number; json: unknown }>;
  bootServer(name: string, host: ComputeHost, imageId: string): Promise<string>;
  waitServer(id: string, status: string, timeoutMs?: number): Promise<void>;
  deleteServers(ids: string[]): Promise<void>;
  computeState(host: ComputeHost): Promise<{ state: string; updatedAt: string | null }>;
}

export function createLabAdmin(cloud: LabCloud): LabAdmin {
  const keystone = cloud.auth.auth_url.replace(/\/v3\/?$/, '');
  const novaUrl = 'http://127.0.0.1:8774/v2.1';
  let cached: { value: string; until: number } | null = null;

  async function token(): Promise<string> {
    if (cached !== null && Date.now() < cached.until) return cached.value;
    const res = await fetch(`${keystone}/v3/auth/tokens`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, signal: AbortSignal.timeout(15_000),
      body: JSON.stringify({ auth: {
        identity: { methods: ['password'], password: { user: { name: cloud.auth.username, domain: { id: 'default' }, password: cloud.auth.password } } },
        scope: { project: { name: cloud.auth.project_name, domain: { id: 'default' } } },
      } }),
    });
    const value = res.headers.get('x-subject-token');
    if (res.status !== 201 || value === null) throw new Error(`lab admin token: ${res.status} ${await res.text()}`);
    cached = { value, until: Date.now() + 30 * 60_000 };
    return value;
  }

  async function call(method: string, pathAndQuery: string, body?: unknown, microversion = '2.74') {
    const url = pathAndQuery.startsWith('/v3/') ? `${keystone}${pathAndQuery}` : `${novaUrl}${pathAndQuery}`;
    const headers: Record<string, string> = { 'X-Auth-Token': await token(), 'OpenStack-API-Version': `compute ${microversion}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
    const text = await res.text();
    return { status: res.status, json: text === '' ? null : (JSON.parse(text) as unknown) };
  }

  async function server(id: string) {
    const r = await call('GET', `/servers/${id}`);
    return r.status === 404 ? null : ServerBody.parse(r.json).server;
  }

  return {
    token,
    call,
    async bootServer(name, host, imageId) {
      // microversion 2.74 lets an admin pin the host; 2.37+ allows "networks": "none" (the lab has no neutron)
      const r = await call('POST', '/servers', { server: { name, imageRef: imageId, flavorRef: '1', networks: 'none', host } });
      if (r.status !== 202) throw new Error(`boot ${name} on ${host}: ${r.status} ${JSON.stringify(r.json)}`);
      return z.object({ server: z.object({ id: z.string() }) }).parse(r.json).server.id;
    },
    async waitServer(id, status, timeoutMs = 60_000) {
      await pollUntil(`server ${id} ${status}`, timeoutMs, async () => {
        const s = await server(id);
        if (s?.status === 'ERROR' && status !== 'ERROR') throw new Error(`server ${id} went to ERROR: ${s.fault?.message ?? 'no fault'}`);
        return s?.status === status;
      });
    },
    async deleteServers(ids) {
      await Promise.all(ids.map((id) => call('DELETE', `/servers/${id}`)));
      await Promise.all(ids.map((id) => pollUntil(`server ${id} deleted`, 60_000, async () => (await server(id)) === null)));
    },
    async computeState(host) {
      const r = await call('GET', `/os-services?binary=nova-compute&host=${host}`);
      const s = ServiceList.parse(r.json).services.find((x) => x.host === host);
      if (s === undefined) throw new Error(`no nova-compute service on ${host}`);
      return { state: s.state, updatedAt: s.updated_at };
    },
  };
}

export async function pollUntil(what: string, timeoutMs: number, check: () => Promise<boolean>, intervalMs = 500): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/**
 * SIGKILLs the compute's nova-compute (a power loss), then waits until Nova reports it down (service_down_time 20 s),
 * unless `waitDown` is false (tests that only need a reboot to stay queued, not Nova's verdict on the host).
 */
export async function stopCompute(lab: NovaLab, host: ComputeHost, timeoutMs = 60_000, opts: { waitDown?: boolean } = {}): Promise<void> {
  await execa('bash', [LAB_SCRIPT, 'stop-compute', host], { timeout: 30_000, env: { NOVA_LAB_DIR: lab.dir } });
  if (opts.waitDown === false) return;
  await pollUntil(`${host} down in Nova`, timeoutMs, async () => (await lab.admin.computeState(host)).state === 'down', 1000);
}

/** Starts the compute's nova-compute again and waits until Nova reports it up. Idempotent. */
export async function startCompute(lab: NovaLab, host: ComputeHost, timeoutMs = 90_000): Promise<void> {
  await execa('bash', [LAB_SCRIPT, 'start-compute', host], { timeout: timeoutMs, env: { NOVA_LAB_DIR: lab.dir } });
  await pollUntil(`${host} up in Nova`, timeoutMs, async () => (await lab.admin.computeState(host)).state === 'up', 1000);
}

/** For afterAll: every compute running and up, whatever a test did. */
export async function ensureComputesUp(lab: NovaLab): Promise<void> {
  for (const host of COMPUTES) await startCompute(lab, host);
}
