/**
 * The CLI's `vmlocks inspect --json` object, DESIGN.md §6. The contract's fields keep their names and places;
 * vmlocks adds `observedAt`, `evidence` (instance level), `role`/`volumeId`/`error` per disk,
 * `corroborations` per lock and `description` per step. The schema lets consumers (and tests) check it.
 */
import { z } from 'zod';
import { STEP_NAMES, type FixStep } from './fix-plan-types.js';
import type { InstanceRef } from './ids.js';
import type { InstanceReport } from './report.js';

const HttpRequestJson = z.object({ method: z.enum(['GET', 'POST']), path: z.string(), body: z.unknown().optional() });

export const InspectJson = z.object({
  instance: z.object({
    id: z.string().nullable(),
    name: z.string().nullable(),
    status: z.string().nullable(),
    vmState: z.string().nullable(),
    powerState: z.number().int().nullable(),
    host: z.string().nullable(),
    hostState: z.enum(['up', 'down', 'forced_down', 'unknown']),
  }),
  verdict: z.enum(['unlocked', 'alive', 'stale', 'unknown', 'not_found']),
  disks: z.array(z.object({
    image: z.string(),
    locks: z.array(z.object({
      id: z.string(), locker: z.string(), address: z.string(),
      verdict: z.enum(['alive', 'stale', 'unknown']),
      evidence: z.array(z.string()),
      corroborations: z.array(z.string()),
    })),
    watchers: z.array(z.object({ address: z.string(), client: z.string(), cookie: z.string() })),
    objectMapInvalid: z.boolean(),
    role: z.enum(['ephemeral', 'volume']),
    volumeId: z.string().optional(),
    error: z.string().optional(),
  })),
  plan: z.array(z.object({
    step: z.enum(STEP_NAMES),
    argv: z.array(z.string()).optional(),
    request: HttpRequestJson.optional(),
    description: z.string(),
  })),
  evidence: z.array(z.string()),
  observedAt: z.string().nullable(),
});
export type InspectJson = z.infer<typeof InspectJson>;

function stepJson(s: FixStep): InspectJson['plan'][number] {
  if ('argv' in s) return { step: s.step, argv: [...s.argv], description: s.description };
  if ('request' in s) return { step: s.step, request: { ...s.request }, description: s.description };
  return { step: s.step, description: s.description };
}

/** The `--json` object of one diagnosed instance and its plan (empty unless stale). */
export function toInspectJson(report: InstanceReport, plan: FixStep[]): InspectJson {
  const i = report.instance;
  return {
    instance: { id: i.id, name: i.name, status: i.status, vmState: i.vmState, powerState: i.powerState, host: i.host, hostState: i.hostState },
    verdict: report.verdict,
    disks: report.disks.map((d) => ({
      image: d.image,
      locks: d.locks.map((l) => ({
        id: l.lock.id, locker: l.lock.locker, address: l.lock.address, verdict: l.verdict,
        evidence: [...l.evidence], corroborations: [...l.corroborations],
      })),
      watchers: d.watchers.map((w) => ({ address: w.address, client: w.client, cookie: w.cookie })),
      objectMapInvalid: d.objectMapInvalid,
      role: d.role,
      ...(d.volumeId === undefined ? {} : { volumeId: d.volumeId }),
      ...(d.error === undefined ? {} : { error: d.error }),
    })),
    plan: plan.map(stepJson),
    evidence: [...report.evidence],
    observedAt: report.observedAt,
  };
}

/** The `--json` object when Nova knows no such instance: the same shape, verdict `not_found`. */
export function notFoundJson(ref: InstanceRef): InspectJson {
  const what = ref.kind === 'uuid' ? `instance ${ref.id}` : `instance named "${ref.name}"`;
  return {
    instance: {
      id: ref.kind === 'uuid' ? ref.id : null, name: ref.kind === 'name' ? ref.name : null,
      status: null, vmState: null, powerState: null, host: null, hostState: 'unknown',
    },
    verdict: 'not_found',
    disks: [],
    plan: [],
    evidence: [`Nova has no ${what}`],
    observedAt: null,
  };
}
