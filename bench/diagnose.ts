/**
 * Diagnosing one instance: the manual runbook (the CLI commands an on-call engineer runs, one after the other)
 * against `vmlocks inspect` (a fresh process, as an engineer would run it) and against the bot's warm service
 * (what `/vmlocks` does: token cached, ports shared).
 */
import { execa } from 'execa';
import type { InspectService } from '../src/services/types.js';
import { parseInstanceRef } from '../src/core/ids.js';
import { median, quantile, repeat } from './stats.js';
import type { BenchServer } from './fixtures.js';

export interface Row { name: string; runs: number; p50: number; p95: number }

const row = (name: string, t: number[]): Row => ({ name, runs: t.length, p50: median(t), p95: quantile(t, 0.95) });

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

export async function benchDiagnose(server: BenchServer, env: Record<string, string>, service: InspectService, cli: string, reps: number): Promise<Row[]> {
  const ref = parseInstanceRef(server.name);
  if (!ref.ok) throw new Error(ref.error);
  const refValue = ref.value;
  await service.inspect(refValue, 'bench'); // warm-up: token, microversion
  const manual = await repeat(reps, () => manualRunbook(server, env));
  const cold = await repeat(reps, () => execa('node', [cli, 'inspect', server.name, '--json'], { env, timeout: 60_000 }));
  // one command at a time, 1.2 s apart: the cluster-wide reads are not reused from the previous command (1 s)
  const warm: number[] = [];
  for (let i = 0; i < reps * 4; i++) {
    await new Promise((r) => setTimeout(r, 1200));
    warm.push(...await repeat(1, () => service.inspect(refValue, 'bench')));
  }
  return [row('manual runbook (6 CLI commands, sequential)', manual), row('vmlocks inspect (new process)', cold), row('/vmlocks service (warm token, in the bot)', warm)];
}

/** N diagnoses: a sequential loop against all at once through the shared limiters. */
export async function benchMany(servers: BenchServer[], service: InspectService, n: number): Promise<Row[]> {
  const refs = Array.from({ length: n }, (_, i) => {
    const r = parseInstanceRef(servers[i % servers.length]?.name ?? '');
    if (!r.ok) throw new Error(r.error);
    return r.value;
  });
  const sequential = await repeat(1, async () => { for (const ref of refs) await service.inspect(ref, 'bench'); });
  const concurrent = await repeat(1, () => Promise.all(refs.map((ref) => service.inspect(ref, 'bench'))));
  return [row(`${n} diagnoses, sequential loop`, sequential), row(`${n} diagnoses, concurrent (limited: 4 rbd, 8 Nova)`, concurrent)];
}
