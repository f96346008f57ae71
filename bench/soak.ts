/**
 * Memory of the bot over many diagnoses: the bench process's RSS (it runs the same service as the bot) and the
 * read helper's, idle and after every `step` diagnoses, run `width` at a time against the labs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { InspectService } from '../src/services/types.js';
import type { BenchServer } from './fixtures.js';
import { refOf } from './diagnose.js';

export interface RssPoint { diagnoses: number; failed?: number; botMiB: number; helperMiB: number; heapMiB: number; elapsedS: number }

const mib = (bytes: number): number => Math.round((bytes / 1048576) * 10) / 10;

/** RSS of the read helper(s) this process started (children running rados-helper.py), from /proc. */
function helperRss(): number {
  let total = 0;
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]) !== process.pid) continue;
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('rados-helper.py')) continue;
      total += Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) * 1024;
    } catch { /* the process ended meanwhile */ }
  }
  return total;
}

export function point(diagnoses: number, t0: number): RssPoint {
  (globalThis as { gc?: () => void }).gc?.();
  const m = process.memoryUsage();
  return { diagnoses, botMiB: mib(m.rss), helperMiB: mib(helperRss()), heapMiB: mib(m.heapUsed), elapsedS: Math.round((performance.now() - t0) / 100) / 10 };
}

export async function soak(service: InspectService, servers: BenchServer[], total: number, step: number, width = 48): Promise<RssPoint[]> {
  const refs = servers.map((s) => refOf(s.name));
  const t0 = performance.now();
  const points = [point(0, t0)];
  let done = 0;
  let failed = 0;
  while (done < total) {
    const n = Math.min(width, total - done);
    await Promise.all(Array.from({ length: n }, (_, i) => refs[(done + i) % refs.length]).map((ref) => (ref === undefined ? null : service.inspect(ref, 'bench').catch(() => { failed++; }))));
    done += n;
    if (done % step === 0 || done === total) points.push({ ...point(done, t0), failed });
  }
  return points;
}
