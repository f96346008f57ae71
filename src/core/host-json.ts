/**
 * `vmlocks host <h> --json`: the host summary, plus the batch plan (what "Request fix for all N stale" would
 * request): `batch: { max, instances: [ { id, name, locks: [...], plan: [ { step, argv | request } ] } ], skipped:
 * [ { id, name, verdict, reason } ] }`. `instances` are the stale ones; `skipped` are listed but not included.
 */
import type { BatchPlan } from './host-batch.js';
import type { HostSummary } from './host-summary.js';
import type { FixStep } from './fix-plan-types.js';

function stepJson(s: FixStep): Record<string, unknown> {
  if ('argv' in s) return { step: s.step, argv: s.argv };
  if ('request' in s) return { step: s.step, request: s.request };
  return { step: s.step };
}

export function batchJson(plan: BatchPlan): Record<string, unknown> {
  return {
    max: plan.max,
    overCap: plan.instances.length > plan.max,
    instances: plan.instances.map((i) => ({ id: i.instanceId, name: i.instanceName, locks: i.approvedLocks, plan: i.plan.map(stepJson) })),
    skipped: plan.skipped.map((s) => ({ id: s.instanceId, name: s.instanceName, verdict: s.verdict, reason: s.reason })),
  };
}

export function hostJson(summary: HostSummary, plan: BatchPlan | undefined): Record<string, unknown> {
  return plan === undefined ? { ...summary } : { ...summary, batch: batchJson(plan) };
}
