// Latency of the OpenStack adapter on the Nova lab, as the vmlocks bot (not a test: numbers vary by machine).
// Usage: npx tsx scripts/nova-lab/latency.ts [rounds]   (the lab must be up: bash scripts/nova-lab.sh start)
import { createKeystoneAuth, createOpenStackNova, loadOpenStackCredentials } from '../../src/adapters/openstack/index.js';
import { parseInstanceId, parseInstanceRef } from '../../src/core/ids.js';
import { CLOUDS, findNovaLab, uniqueName } from '../../test/support/nova-lab.js';

const rounds = Number(process.argv[2] ?? 30);

async function measure(label: string, n: number, fn: () => Promise<unknown>): Promise<void> {
  await fn(); // warm-up: connection, token, microversion
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  ms.sort((a, b) => a - b);
  const at = (q: number) => (ms[Math.min(ms.length - 1, Math.floor(q * ms.length))] ?? 0).toFixed(1);
  console.log(`${label.padEnd(44)} n=${n} min=${at(0)}ms p50=${at(0.5)}ms p90=${at(0.9)}ms max=${at(1)}ms`);
}

const lab = await findNovaLab();
const name = uniqueName('vmlt-latency');
const booted = parseInstanceId(await lab.admin.bootServer(name, 'compute-1', lab.imageId));
if (!booted.ok) throw new Error(booted.error);
const id = booted.value;
try {
  await lab.admin.waitServer(id, 'ACTIVE');
  const env = lab.envFor(CLOUDS.bot);
  const credentials = await loadOpenStackCredentials(env);
  const nova = await createOpenStackNova(env);
  const ref = parseInstanceRef(name);
  if (!ref.ok) throw new Error(ref.error);
  await measure('Keystone token issue (password, fresh auth)', 20, () => createKeystoneAuth({ credentials }).token());
  const appcred = await loadOpenStackCredentials(lab.envFor(CLOUDS.botAppCred));
  await measure('Keystone token issue (application credential)', 20, () => createKeystoneAuth({ credentials: appcred }).token());
  await measure('getServer (listing by uuid, all projects)', rounds, () => nova.getServer(id));
  await measure('resolveInstance by name', rounds, () => nova.resolveInstance(ref.value));
  await measure('listServersOnHost compute-1', rounds, () => nova.listServersOnHost('compute-1'));
  await measure('getComputeService compute-1', rounds, () => nova.getComputeService('compute-1'));
  await measure('getHostIp compute-1 (mv 2.93, uptime RPC)', rounds, () => nova.getHostIp('compute-1'));
  await measure('first call of a new client (token + mv + GET)', 10, async () => (await createOpenStackNova(env)).getComputeService('compute-1'));
  const rebootMs: number[] = [];
  await measure('hardReboot + waitForActive', 5, async () => {
    const t = performance.now();
    await nova.hardReboot(id); // another project's server: 404, re-scoped token, 202
    rebootMs.push(performance.now() - t);
    const o = await nova.waitForActive(id, { timeoutMs: 60_000 });
    if (!o.reached) throw new Error('not ACTIVE');
  });
  console.log(`${'  of which hardReboot (404, re-scope, 202)'.padEnd(44)} ${rebootMs.map((m) => `${m.toFixed(0)}ms`).join(' ')}`);
} finally {
  await lab.admin.deleteServers([id]);
}
