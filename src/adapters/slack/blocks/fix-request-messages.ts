/** What the requester and the deciders are told, ephemerally, about their clicks. Pure. */
import type { FixRequest, Rejection } from '../../../core/fix-request.js';
import type { RequestRefusal } from '../../../services/types.js';
import type { SlackMessage } from './block-kit.js';
import { code, renderSentence, truncate, truncateMrkdwn } from './mrkdwn.js';
import { buildNoticeMessage } from './simple-messages.js';

/** Where an approval message is: a channel mention and, when known, a link to the message itself. */
export interface MessageLocation {
  channel: string;
  permalink: string | null;
}

function where(loc: MessageLocation | null): string {
  if (loc === null) return 'the incident channel';
  const link = loc.permalink === null ? '' : ` (<${loc.permalink.replace(/[<>|]/g, '')}|open it>)`;
  return `<#${loc.channel}>${link}`;
}

function instance(r: FixRequest): string {
  return `${code(truncate(r.instanceName, 255))} ${code(r.instanceId)}`;
}

export function buildRequestSentMessage(request: FixRequest, location: MessageLocation | null): SlackMessage {
  return buildNoticeMessage(
    `:outbox_tray: Your fix request ${code(request.id)} for ${instance(request)} is waiting for a second engineer in ${where(location)}. Nothing runs before someone approves it.`,
  );
}

export function buildRequestRefusedMessage(refusal: RequestRefusal, existingLocation: MessageLocation | null): SlackMessage {
  const detail = truncateMrkdwn(renderSentence(refusal.detail), 1000);
  if (refusal.code === 'already_open' && refusal.existing) {
    const e = refusal.existing;
    return buildNoticeMessage(
      `:information_source: A fix of ${instance(e)} is already open: request ${code(e.id)} (${code(e.state)}) in ${where(existingLocation)}. ${detail}`,
    );
  }
  return buildNoticeMessage(`:information_source: No fix requested: ${detail}`);
}

export function buildDecisionRefusedMessage(rejection: Rejection): SlackMessage {
  return buildNoticeMessage(`:raised_hand: ${truncateMrkdwn(renderSentence(rejection.detail), 1000)}`);
}
