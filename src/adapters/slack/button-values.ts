/**
 * What vmlocks puts in a button's `value` (and a modal's `private_metadata`), and the zod schemas that read it
 * back. A click arrives as untrusted input: the value is parsed, never trusted. Slack gives a click on an ephemeral
 * message without its `message` field (DESIGN.md §5), so a value carries the one id needed to look the rest up.
 */
import { z } from 'zod';
import { parseHostName, parseInstanceId, type InstanceId } from '../../core/ids.js';
import { err, ok, type Result } from '../../core/result.js';

/** A fix request id as the store creates them (UUID, ULID, nanoid): no spaces, no mark-up. */
export const RequestId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$/, 'not a request id');
export type RequestId = z.infer<typeof RequestId>;

const InstanceIdText = z.string().transform((text, ctx): InstanceId => {
  const parsed = parseInstanceId(text);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

/** `vmlocks.request_fix` and `vmlocks.check_again`: the instance the report was about. */
export const InstanceButtonValue = z.strictObject({ instanceId: InstanceIdText });
export type InstanceButtonValue = z.infer<typeof InstanceButtonValue>;

/** `vmlocks.approve_fix`, `vmlocks.deny_fix` and the deny modal's private_metadata: the request id only. */
export const RequestButtonValue = z.strictObject({ requestId: RequestId });
export type RequestButtonValue = z.infer<typeof RequestButtonValue>;

const HostText = z.string().transform((text, ctx): string => {
  const parsed = parseHostName(text);
  if (parsed.ok) return parsed.value;
  ctx.addIssue({ code: 'custom', message: parsed.error });
  return z.NEVER;
});

/** `vmlocks.request_batch`: the compute host of the host view. */
export const HostButtonValue = z.strictObject({ host: HostText });
export type HostButtonValue = z.infer<typeof HostButtonValue>;

/** `vmlocks.approve_batch`, `vmlocks.deny_batch`: the batch id only (the deny modal carries it as a request id). */
export const BatchButtonValue = z.strictObject({ batchId: RequestId });
export type BatchButtonValue = z.infer<typeof BatchButtonValue>;

export function encodeHostButtonValue(host: string): string {
  return JSON.stringify({ host });
}

export function encodeBatchButtonValue(batchId: string): string {
  return JSON.stringify({ batchId });
}

export function encodeInstanceButtonValue(instanceId: InstanceId): string {
  return JSON.stringify({ instanceId });
}

export function encodeRequestButtonValue(requestId: string): string {
  return JSON.stringify({ requestId });
}

/** Parses a JSON value against a schema; a malformed value is an expected outcome (a forged or stale click). */
export function parseJsonValue<S extends z.ZodType>(schema: S, raw: string): Result<z.infer<S>, string> {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return err('the value is not JSON');
  }
  const parsed = schema.safeParse(json);
  return parsed.success ? ok(parsed.data) : err(z.prettifyError(parsed.error));
}
