/** The bench's tables (markdown, for the README) and the issue's bars, checked on the figures of the same run. */
import type { Row } from './diagnose.js';
import type { ManyRows } from './many.js';
import type { RssPoint } from './soak.js';
import type { SlackRow } from './slack-path.js';
import { ms, ratio } from './stats.js';

export function printRows(title: string, rows: Row[], baselineIndex: number): void {
  const baseline = rows[baselineIndex];
  if (baseline === undefined) return;
  console.log(`\n### ${title}\n| what | runs | p50 | p95 | vs ${baseline.name} (p50) |\n|---|---|---|---|---|`);
  for (const r of rows) console.log(`| ${r.name} | ${r.runs} | ${ms(r.p50)} | ${ms(r.p95)} | ${r === baseline ? 'baseline' : `${ratio(baseline.p50, r.p50)} faster`} |`);
}

export function printSoak(idle: RssPoint, points: RssPoint[]): void {
  console.log('\n### Memory (bench process = the bot\'s service in-process; helper = the read helper)\n| diagnoses | bot RSS | heap used | helper RSS | elapsed |\n|---|---|---|---|---|');
  console.log(`| idle (after warm-up) | ${idle.botMiB} MiB | ${idle.heapMiB} MiB | ${idle.helperMiB} MiB | - |`);
  for (const p of points) console.log(`| ${p.diagnoses}${p.failed ? ` (${p.failed} failed)` : ''} | ${p.botMiB} MiB | ${p.heapMiB} MiB | ${p.helperMiB} MiB | ${p.elapsedS} s |`);
}

export interface Bar { bar: string; measured: string; met: boolean }

export function printBars(one: Row[], many: ManyRows, idle: RssPoint, points: RssPoint[]): Bar[] {
  const [manual, , librados, , nova] = one;
  const [seqCli, , , together] = many.lab;
  const [seqCliReplayed, , , togetherReplayed] = many.replayed;
  const first = points[0];
  const last = points.at(-1);
  const bars: Bar[] = [];
  if (manual && librados) bars.push({ bar: '/vmlocks ≥ 18× faster than the manual runbook', measured: ratio(manual.p50, librados.p50), met: manual.p50 / librados.p50 >= 18 });
  if (nova && librados) bars.push({ bar: "/vmlocks ≤ 1.5× the bot's own Nova calls", measured: `${(librados.p50 / nova.p50).toFixed(2)}× (${ms(librados.p50)} vs ${ms(nova.p50)})`, met: librados.p50 / nova.p50 <= 1.5 });
  if (seqCli && together) {
    const floor = `; Nova's 48 lookups alone take ${ms(many.novaAlone.p50)}, at most ${ratio(seqCli.p50, many.novaAlone.p50)}`;
    bars.push({ bar: '48 at once ≥ 8× faster than the sequential CLI loop (the lab\'s Nova)', measured: `${ratio(seqCli.p50, together.p50)} (${ms(together.p50)} vs ${ms(seqCli.p50)})${floor}`, met: seqCli.p50 / together.p50 >= 8 });
  }
  if (seqCliReplayed && togetherReplayed) {
    bars.push({ bar: '48 at once ≥ 8× faster than the sequential CLI loop (Nova replayed: the Ceph path)', measured: `${ratio(seqCliReplayed.p50, togetherReplayed.p50)} (${ms(togetherReplayed.p50)} vs ${ms(seqCliReplayed.p50)})`, met: seqCliReplayed.p50 / togetherReplayed.p50 >= 8 });
  }
  if (first && last) {
    bars.push({ bar: `bot RSS flat over ${last.diagnoses} diagnoses`, measured: `idle ${idle.botMiB} MiB; ${first.botMiB} → ${last.botMiB} MiB (helper ${first.helperMiB} → ${last.helperMiB} MiB)`, met: last.botMiB - first.botMiB < 0.25 * first.botMiB });
  }
  console.log('\n### The bars of issue 12\n| bar | measured | met |\n|---|---|---|');
  for (const b of bars) console.log(`| ${b.bar} | ${b.measured} | ${b.met ? 'yes' : 'NO'} |`);
  return bars;
}

export function printSlack(rows: SlackRow[]): void {
  console.log('\n### Slack path (signed HTTP into the bot process, fake Slack Web API answering in ~100 ms)\n| what | n | ack p50 | ack p95 | answer p50 | answer p95 | all answered |\n|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.n} | ${ms(r.ackP50)} | ${ms(r.ackP95)} | ${ms(r.answerP50)} | ${ms(r.answerP95)} | ${ms(r.allAnsweredMs)} |`);
  const [one, many] = rows;
  if (one && many) console.log(`\n50 at once answered in ${ms(many.allAnsweredMs)}; the same 50 one at a time would take ~${ms(one.answerP50 * 50)} (${ratio(one.answerP50 * 50, many.allAnsweredMs)}).`);
}
