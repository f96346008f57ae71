/**
 * Diagnosing one instance: the manual runbook (the CLI commands an on-call engineer runs, one after the other)
 * against `vmlocks inspect` (a fresh process, as an engineer would run it), the bot's warm service (what `/vmlocks`
 * does: token cached, ports shared) with each Ceph read path, and the bot's own Nova calls for the same instance.
 */
import { execa } from 'execa';
import type { InspectService } from '../src/services/types.js';
import { parseInstanceRef, type InstanceRef } from '../src/core/ids.js';
import type { NovaPort } from '../src/ports.js';
import { median, quantile, repeat, timeIt } from './stats.js';
import type { BenchServer } from './fixtures.js';

export interface Row { name: string; runs: number; p50: number; p95: number }

export const row = (name: string, t: number[]): Row => ({ name, runs: t.length, p50: median(t), p95: quantile(t, 0.95) });

/** The seed's runbook, extended with what a careful engineer checks before removing a lock. */
async function manualRunbook(server: BenchServer, env: Record<string, string>): Promise<void> {
  const os = { env: { ...env, OS_CLOUD: 'nova-lab-admin' }, timeout: 60_000 };
  const ceph = { env, timeout: 30_000 };
  await execa('openstack', ['server', 'show', server.name, '-f', 'json'], os);
  await execa('openstack', ['compute', 'service', 'list', '--host', 'compute-2', '--service', 'nova-compute', '-f', 'json'], os);
  await execa('rbd', ['--id', 'vmlocks', 'ls', 'vms'], ceph);
  await execa('rbd', ['--id', 'vmlocks', 'lock', 'ls', server.spec, '--format', 'json'], ceph);
  await execa('rbd', ['--id', 'vmlocks', 'status', server.spec, '--format', 'json'], ceph);
  await execa('ceph', ['--id', 'vmlocks', 'osd', 'blocklist', 'ls', '--format', 'json'], ceph);
}

/**
 * The Nova part of a diagnosis alone, as the service makes it: the hypervisor list in parallel with the name's
 * resolution (the server listing), then the instance's compute service.
 */
async function novaCalls(nova: NovaPort, ref: InstanceRef): Promise<void> {
  await Promise.all([nova.listHypervisors(), (async () => {
    const r = await nova.resolveInstance(ref);
    if (r.kind === 'found' && r.server.host !== null) await nova.getComputeService(r.server.host);
  })()]);
}

export function refOf(name: string): InstanceRef {
  const ref = parseInstanceRef(name);
  if (!ref.ok) throw new Error(ref.error);
  return ref.value;
}

export interface Warm { name: string; run: () => Promise<unknown> }

export async function benchDiagnose(
  server: BenchServer, env: Record<string, string>, services: { librados: InspectService; cli: InspectService }, nova: NovaPort, cli: string, reps: number,
): Promise<Row[]> {
  const ref = refOf(server.name);
  const warm: Warm[] = [
    { name: '/vmlocks in the bot, reads through librados (token cached)', run: () => services.librados.inspect(ref, 'bench') },
    { name: '/vmlocks in the bot, reads through the CLIs (VMLOCKS_CEPH_READS=cli)', run: () => services.cli.inspect(ref, 'bench') },
    { name: "the bot's own Nova calls for the instance (resolve ∥ hypervisors, then compute service)", run: () => novaCalls(nova, ref) },
  ];
  for (const w of warm) await w.run(); // warm-up: token, microversion, helper connection
  const manual = await repeat(reps, () => manualRunbook(server, env));
  const cold = await repeat(reps, () => execa('node', [cli, 'inspect', server.name, '--json'], { env, timeout: 60_000 }));
  // interleaved, 1.1 s apart: same conditions for each, and no answer reused from a previous call (1 s coalescing)
  const times = warm.map((): number[] => []);
  for (let i = 0; i < reps * 4; i++) {
    for (const [k, w] of warm.entries()) {
      await new Promise((r) => setTimeout(r, 1100));
      times[k]?.push(await timeIt(w.run));
    }
  }
  return [
    row('manual runbook (6 CLI commands, sequential)', manual), row('vmlocks inspect (new process)', cold),
    ...warm.map((w, k) => row(w.name, times[k] ?? [])),
  ];
}

/** N diagnoses: a sequential loop against all at once through the shared limiters, for one service. */
/** `n` references cycling through the servers' names. */
export const refsOf = (servers: BenchServer[], n: number): InstanceRef[] => Array.from({ length: n }, (_, i) => refOf(servers[i % servers.length]?.name ?? ''));

export async function benchMany(servers: BenchServer[], service: InspectService, n: number, label: string): Promise<Row[]> {
  const refs = refsOf(servers, n);
  // a diagnosis that fails (Nova overloaded past its timeout) is counted and shown, not fatal to the whole bench
  let failed = 0;
  const inspect = (ref: InstanceRef) => service.inspect(ref, 'bench').catch(() => { failed++; });
  const sequential = await repeat(1, async () => { for (const ref of refs) await inspect(ref); });
  const seqFailed = failed;
  await new Promise((r) => setTimeout(r, 1100));
  const concurrent = await repeat(1, () => Promise.all(refs.map(inspect)));
  const note = (k: number): string => (k > 0 ? ` (${k} failed)` : '');
  return [row(`${n} diagnoses, sequential loop, ${label}${note(seqFailed)}`, sequential), row(`${n} diagnoses at once, ${label}${note(failed - seqFailed)}`, concurrent)];
}
