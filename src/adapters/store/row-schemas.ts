/**
 * zod schemas for rows read back from SQLite. A file can be edited by hand, restored from an old backup or written
 * by another version: what comes out is validated like any other outside input, and a bad row becomes a coded
 * error naming the request, not a TypeError deep in a handler.
 */
import { z } from 'zod';
import {
  parseEntityAddr, parseImageSpec, parseInstanceId, parseLockId, parseLocker,
} from '../../core/ids.js';
import { branded } from '../../core/branded-schema.js';
import { STEP_NAMES } from '../../core/fix-plan-types.js';

/** A TEXT column holding JSON that must match `schema`. */
export function jsonColumn<T extends z.ZodType>(schema: T) {
  return z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'not valid JSON' });
        return z.NEVER;
      }
    })
    .pipe(schema);
}

export const InstanceIdText = branded(parseInstanceId);
export const ImageSpecText = branded(parseImageSpec);
export const EntityAddrText = branded(parseEntityAddr);
export const LockIdText = branded(parseLockId);
export const LockerText = branded(parseLocker);

export const RequestStateText = z.enum([
  'pending', 'denied', 'expired', 'approved', 'running', 'succeeded', 'failed', 'aborted', 'interrupted',
]);
export const StepNameText = z.enum(STEP_NAMES);

export const ApprovedLock = z.object({ image: ImageSpecText, id: z.string(), locker: z.string(), address: EntityAddrText });
export type ApprovedLock = z.output<typeof ApprovedLock>;

const HttpRequestSpec = z.object({ method: z.enum(['GET', 'POST']), path: z.string(), body: z.unknown().optional() });
const Argv = z.array(z.string()).min(1);

export const FixStep = z.discriminatedUnion('step', [
  z.object({ step: z.literal('reinspect'), description: z.string() }),
  z.object({ step: z.literal('fence'), description: z.string(), address: EntityAddrText, argv: Argv, expirySeconds: z.number().int().positive().optional() }),
  z.object({
    step: z.literal('break'), description: z.string(), image: ImageSpecText, lockId: LockIdText, locker: LockerText, argv: Argv,
  }),
  z.object({ step: z.literal('repair'), description: z.string(), image: ImageSpecText, argv: Argv }),
  z.object({ step: z.literal('reboot'), description: z.string(), instanceId: InstanceIdText, request: HttpRequestSpec }),
  z.object({
    step: z.literal('evacuate'), description: z.string(), instanceId: InstanceIdText, sourceHost: z.string().min(1), request: HttpRequestSpec,
  }),
  z.object({ step: z.literal('wait'), description: z.string(), instanceId: InstanceIdText, request: HttpRequestSpec }),
  z.object({ step: z.literal('confirm'), description: z.string() }),
]);
export type FixStep = z.output<typeof FixStep>;

export const SlackMessageRef = z.object({ channel: z.string().min(1), ts: z.string().min(1) });
export const RequestOrigin = z.object({ channel: z.string(), user: z.string() });

export const CommandRecord = z.object({
  argv: Argv,
  exitCode: z.number().int(),
  durationMs: z.number().nonnegative(),
  stdoutExcerpt: z.string(),
  stderrExcerpt: z.string(),
});
export type CommandRecord = z.output<typeof CommandRecord>;

export const HttpRecord = z.object({
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  requestId: z.string().nullable(),
  durationMs: z.number().nonnegative(),
  body: z.unknown().optional(),
});
export type HttpRecord = z.output<typeof HttpRecord>;
