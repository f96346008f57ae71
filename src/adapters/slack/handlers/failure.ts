/**
 * The two tiers of errors (STYLE.md): an error that carries a `userMessage` is shown as is; anything else is
 * logged with a short reference and the user sees "Could not … (ref 7f3a). Nothing was changed."
 */
import { randomBytes } from 'node:crypto';
import type { SlackMessage } from '../blocks/block-kit.js';
import { buildErrorMessage, buildUserErrorMessage } from '../blocks/simple-messages.js';
import type { HandlerDeps } from './handler-deps.js';
import { replyEphemeral } from './reply.js';
import type { Respond } from './handler-deps.js';

/** A short correlation id, in the log line and in the user's message. */
export function newRef(): string {
  return randomBytes(2).toString('hex');
}

export function userMessageOf(err: unknown): string | null {
  if (typeof err !== 'object' || err === null || !('userMessage' in err)) return null;
  return typeof err.userMessage === 'string' && err.userMessage !== '' ? err.userMessage : null;
}

export function failureMessage(err: unknown, action: string, ref: string): SlackMessage {
  const userMessage = userMessageOf(err);
  return userMessage === null ? buildErrorMessage(action, ref) : buildUserErrorMessage(userMessage);
}

export interface Failure {
  err: unknown;
  /** mrkdwn after "Could not", e.g. "check `vm-1`". */
  action: string;
  kind: string;
  user: string | null;
  respond?: Respond;
  fields?: Record<string, unknown>;
}

/** Logs the failure with a reference and tells the user; a failure to tell is logged too, never thrown. */
export async function answerFailure(deps: HandlerDeps, f: Failure): Promise<string> {
  const ref = newRef();
  deps.logger.error({ err: f.err, ref, kind: f.kind, user: f.user, ...f.fields }, `could not ${f.action.replace(/`/g, '')}`);
  if (f.respond) {
    try {
      await replyEphemeral(f.respond, failureMessage(f.err, f.action, ref));
    } catch (replyErr) {
      deps.logger.error({ err: replyErr, ref }, 'could not tell the user about the failure');
    }
  }
  return ref;
}
