/** Reads a button click: the payload's shape, then the button's JSON value, both with zod. */
import type { z } from 'zod';
import { err, ok, type Result } from '../../../core/result.js';
import { parseJsonValue } from '../button-values.js';
import { buildNoticeMessage } from '../blocks/simple-messages.js';
import { BlockActionBody } from '../payloads.js';
import type { HandlerDeps, Respond } from './handler-deps.js';
import { replyEphemeral } from './reply.js';

export interface Click<V> {
  body: BlockActionBody;
  user: string;
  value: V;
}

export function readClick<S extends z.ZodType>(body: unknown, actionId: string, schema: S): Result<Click<z.infer<S>>, string> {
  const parsed = BlockActionBody.safeParse(body);
  if (!parsed.success) return err(`payload: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  const action = parsed.data.actions.find((a) => a.action_id === actionId);
  if (!action) return err(`payload has no action ${actionId}`);
  const value = parseJsonValue(schema, action.value);
  if (!value.ok) return err(`button value: ${value.error}`);
  return ok({ body: parsed.data, user: parsed.data.user.id, value: value.value });
}

/** A click that does not validate is logged and answered; nothing else happens. */
export async function refuseMalformedClick(deps: HandlerDeps, kind: string, problem: string, respond?: Respond): Promise<void> {
  deps.metrics.commands.inc({ kind: 'malformed' });
  deps.logger.warn({ kind, problem }, 'interaction payload did not validate; ignored');
  if (respond) await replyEphemeral(respond, buildNoticeMessage(':warning: vmlocks could not read this click. Nothing was changed.'));
}
