/**
 * Reads the running bot's Prometheus `/metrics` (prom-client text format) to check which calls it made:
 * `vmlocks_external_calls_total{system,op,outcome}`, `vmlocks_commands_total{kind}`, `vmlocks_verdicts_total{verdict}`.
 */
import type { BotProcess } from '../../support/bot-process.js';

export interface Sample { name: string; labels: Record<string, string>; value: number }

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? ([0-9.eE+-]+|NaN|\+Inf|-Inf)$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function parseMetrics(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = LINE.exec(line.trim());
    if (m === null) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(LABEL)) labels[l[1] ?? ''] = l[2] ?? '';
    out.push({ name: m[1] ?? '', labels, value: Number(m[3]) });
  }
  return out;
}

export async function readMetrics(bot: BotProcess): Promise<Sample[]> {
  const res = await fetch(`${bot.metricsUrl}/metrics`, { signal: AbortSignal.timeout(5000) });
  if (!res.ok) throw new Error(`GET /metrics: ${res.status}`);
  return parseMetrics(await res.text());
}

/** The sum of a metric's samples whose labels include `where`. */
export function total(samples: Sample[], name: string, where: Record<string, string> = {}): number {
  return samples
    .filter((s) => s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
    .reduce((sum, s) => sum + s.value, 0);
}

/** Calls to Ceph and to Nova so far, by system. */
export async function externalCalls(bot: BotProcess): Promise<{ ceph: number; nova: number }> {
  const samples = await readMetrics(bot);
  return {
    ceph: total(samples, 'vmlocks_external_calls_total', { system: 'ceph' }),
    nova: total(samples, 'vmlocks_external_calls_total', { system: 'nova' }),
  };
}
