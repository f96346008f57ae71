/**
 * 48 diagnoses: the sequential CLI-per-call loop (the baseline of issue 12) against all at once through the shared
 * limiters, with the lab's Nova and, to isolate the Ceph read path, with Nova's answers replayed (replay-nova.ts)
 * for both loops. The Nova calls alone (48 lookups at once, no Ceph) show the floor the lab's Nova API sets.
 */
import type { NovaPort } from '../src/ports.js';
import type { InspectService } from '../src/services/types.js';
import { benchMany, refsOf, row, type Row } from './diagnose.js';
import type { BenchServer } from './fixtures.js';
import { replayNova } from './replay-nova.js';
import { timeIt } from './stats.js';

export interface ManyServices {
  cli: InspectService;
  librados: InspectService;
  /** The same two, over `nova` replayed. */
  withNova(nova: NovaPort): { cli: InspectService; librados: InspectService };
}

export interface ManyRows { lab: Row[]; replayed: Row[]; novaAlone: Row }

export async function benchManyRows(servers: BenchServer[], services: ManyServices, nova: NovaPort, n = 48): Promise<ManyRows> {
  const lab = [...await benchMany(servers, services.cli, n, 'reads through the CLIs'), ...await benchMany(servers, services.librados, n, 'reads through librados')];
  const refs = refsOf(servers, n);
  await new Promise((r) => setTimeout(r, 1100));
  const novaAlone = row(`${n} name lookups at once, Nova alone (no Ceph)`, [await timeIt(() => Promise.all(refs.map((ref) => nova.resolveInstance(ref))))]);
  const r = services.withNova(await replayNova(nova, refs));
  const replayed = [
    ...await benchMany(servers, r.cli, n, 'reads through the CLIs, Nova replayed'),
    ...await benchMany(servers, r.librados, n, 'reads through librados, Nova replayed'),
  ];
  return { lab, replayed, novaAlone };
}
