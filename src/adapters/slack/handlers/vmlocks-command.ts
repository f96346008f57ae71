/**
 * `/vmlocks <text>`. Acknowledged at once (Slack wants the HTTP answer within 3 s, before any Ceph or Nova work),
 * then answered through the response_url: help, usage, rate limit and progress only to the user; the report in the
 * channel where reports may be posted (`response_type: in_channel` works without the bot being a member), otherwise
 * only to the user. Only operators get anything but a short refusal (admit.ts).
 */
import { parseHostName, parseInstanceRef, type InstanceRef } from '../../../core/ids.js';
import { buildHostMessage } from '../blocks/host-blocks.js';
import { buildInspectOutcomeMessage } from '../blocks/inspect-outcome.js';
import { describeRef } from '../blocks/lookup-blocks.js';
import { code, truncate } from '../blocks/mrkdwn.js';
import {
  buildCheckingMessage, buildHelpMessage, buildNoticeMessage, buildRateLimitMessage, buildUsageMessage,
} from '../blocks/simple-messages.js';
import { actorOfCommand, SlashCommandBody } from '../payloads.js';
import { admit } from './admit.js';
import { answerFailure } from './failure.js';
import type { HandlerDeps, InteractionArgs } from './handler-deps.js';
import { replyEphemeral, replyReport } from './reply.js';

export type CommandRequest =
  | { kind: 'help' }
  | { kind: 'host'; host: string }
  | { kind: 'bad_host'; problem: string }
  | { kind: 'bad_input'; problem: string }
  | { kind: 'inspect'; ref: InstanceRef };

/** What the user asked for. Pure: no service is called for bad input. */
export function classifyCommand(text: string): CommandRequest {
  const t = text.trim();
  if (/^help$/i.test(t)) return { kind: 'help' };
  const host = /^host(?:\s+(.*))?$/is.exec(t);
  if (host) {
    const name = parseHostName(host[1] ?? '');
    return name.ok ? { kind: 'host', host: name.value } : { kind: 'bad_host', problem: name.error };
  }
  const ref = parseInstanceRef(t);
  return ref.ok ? { kind: 'inspect', ref: ref.value } : { kind: 'bad_input', problem: ref.error };
}

export function createVmlocksCommandHandler(deps: HandlerDeps) {
  return async ({ body, ack, respond }: InteractionArgs): Promise<void> => {
    await ack();
    const parsed = SlashCommandBody.safeParse(body);
    if (!parsed.success) {
      deps.metrics.commands.inc({ kind: 'malformed' });
      deps.logger.warn({ issues: parsed.error.issues }, 'slash command payload did not validate; ignored');
      if (respond) await replyEphemeral(respond, buildUsageMessage('Slack sent a request vmlocks could not read'));
      return;
    }
    if (!respond) throw new Error('slash command without response_url'); // Slack always sends one
    const user = parsed.data.user_id;
    const request = classifyCommand(parsed.data.text);
    deps.metrics.commands.inc({ kind: request.kind });
    const what = request.kind === 'inspect' ? describeRef(request.ref) : request.kind === 'host' ? `host ${request.host}` : truncate(parsed.data.text.trim(), 80);
    try {
      const gate = await deps.commandLimiter.take(user);
      if (!gate.allowed) {
        await replyEphemeral(respond, buildRateLimitMessage(gate.retryAfterMs, deps.commandLimit));
        return;
      }
      if (!(await admit(deps, actorOfCommand(parsed.data), respond))) return;
      const channel = parsed.data.channel_id;
      switch (request.kind) {
        case 'help':
          return await replyEphemeral(respond, buildHelpMessage());
        case 'host': {
          const scan = deps.hostScans.tryStart(user, request.host);
          if (!scan.started) return await replyEphemeral(respond, buildNoticeMessage(`:hourglass: Your scan of host ${code(scan.running)} is still running; one host scan at a time.`));
          try {
            await replyEphemeral(respond, buildCheckingMessage(what));
            return await replyReport(respond, buildHostMessage(await deps.inspect.inspectHost(request.host, user)), channel, deps.reportChannels);
          } finally {
            scan.release();
          }
        }
        case 'bad_host':
          return await replyEphemeral(respond, buildUsageMessage(request.problem, '/vmlocks host <compute-host>'));
        case 'bad_input':
          return await replyEphemeral(respond, buildUsageMessage(request.problem));
        case 'inspect': {
          await replyEphemeral(respond, buildCheckingMessage(what));
          const outcome = await deps.inspect.inspect(request.ref, user);
          return await replyReport(respond, buildInspectOutcomeMessage(outcome), channel, deps.reportChannels);
        }
      }
    } catch (err) {
      await answerFailure(deps, { err, action: `check ${code(what)}`, kind: request.kind, user, respond });
    }
  };
}
