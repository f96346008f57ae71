/**
 * What synchronous=FULL costs a decision (issue 10, item 10): 300 approvals with the brake's count and the run start
 * (one transaction) plus their audit row, on a SQLite file in this machine's temporary directory, FULL against
 * NORMAL, alternating. Run: node --import tsx bench/store-sync.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { openSqliteStore } from '../src/adapters/store/index.js';
import { sampleRequest } from '../test/adapters/store/support/sample-request.js';

async function measure(mode: 'FULL' | 'NORMAL', n = 300): Promise<number[]> {
  const dir = mkdtempSync(join(tmpdir(), 'vmlocks-bench-'));
  const store = openSqliteStore({ path: join(dir, 'bench.db'), synchronous: mode });
  const times: number[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const r = sampleRequest({ id: randomUUID() });
      await store.create(r);
      const t0 = performance.now();
      await store.decide({ id: r.id, from: ['pending'], to: 'approved', patch: { decidedBy: 'U0BENCH' }, brake: { windowMs: 600_000, limit: 1_000_000 }, start: { runnerId: 'bench', leaseMs: 30_000 } });
      await store.append({ at: new Date().toISOString(), actor: 'U0BENCH', action: 'approve', instanceId: r.instanceId, requestId: r.id, detail: 'bench' });
      times.push(performance.now() - t0);
    }
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  return times.sort((a, b) => a - b);
}

const pct = (xs: number[], p: number): string => (xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? 0).toFixed(2);
for (const mode of ['NORMAL', 'FULL', 'NORMAL', 'FULL'] as const) {
  const t = await measure(mode);
  console.log(`synchronous=${mode.padEnd(6)} decision + audit row: p50 ${pct(t, 0.5)} ms, p95 ${pct(t, 0.95)} ms, max ${pct(t, 1)} ms (n=${t.length})`);
}
