/**
 * Small constructors for the Block Kit objects vmlocks uses. Each one clamps its texts to Slack's limits
 * (slack-limits.ts), so no builder can produce a message Slack would reject for length. Every mrkdwn text is
 * `verbatim`: Slack then links only the tokens vmlocks wrote (`<@U…>`, `<!date…>`), never a plain URL, `#name` or
 * `@here` that came inside a VM name or an error (docs.slack.dev, text object: `verbatim`).
 */
import type {
  ActionsBlock, Button, ConfirmationDialog, ContextBlock, DividerBlock, KnownBlock, PlainTextElement, SectionBlock,
} from '@slack/types';
import { truncate, truncateMrkdwn } from './mrkdwn.js';
import { SLACK_LIMITS } from './slack-limits.js';

/** What every message builder returns: the blocks and their notification/screen-reader fallback. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

export function plainText(text: string, max: number): PlainTextElement {
  return { type: 'plain_text', text: truncate(text, max), emoji: true };
}

export function section(mrkdwn: string): SectionBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: truncateMrkdwn(mrkdwn, SLACK_LIMITS.sectionText), verbatim: true } };
}

export function context(...mrkdwn: string[]): ContextBlock {
  return {
    type: 'context',
    elements: mrkdwn.slice(0, SLACK_LIMITS.contextElements).map((text) => ({
      type: 'mrkdwn' as const,
      text: truncateMrkdwn(text, SLACK_LIMITS.sectionText),
      verbatim: true,
    })),
  };
}

export function divider(): DividerBlock {
  return { type: 'divider' };
}

export function actions(blockId: string, elements: Button[]): ActionsBlock {
  return { type: 'actions', block_id: blockId, elements: elements.slice(0, SLACK_LIMITS.actionsElements) };
}

export interface ConfirmSpec {
  title: string;
  /** mrkdwn */
  text: string;
  confirm: string;
  deny: string;
  style?: 'primary' | 'danger';
}

export function confirmDialog(spec: ConfirmSpec): ConfirmationDialog {
  return {
    title: plainText(spec.title, SLACK_LIMITS.confirmTitle),
    text: { type: 'mrkdwn', text: truncateMrkdwn(spec.text, SLACK_LIMITS.confirmText), verbatim: true },
    confirm: plainText(spec.confirm, SLACK_LIMITS.confirmButton),
    deny: plainText(spec.deny, SLACK_LIMITS.confirmButton),
    ...(spec.style ? { style: spec.style } : {}),
  };
}

export interface ButtonSpec {
  text: string;
  actionId: string;
  /** Already encoded (button-values.ts); checked against Slack's limit here. */
  value: string;
  style?: 'primary' | 'danger';
  confirm?: ConfirmSpec;
}

export function button(spec: ButtonSpec): Button {
  if (spec.value.length > SLACK_LIMITS.buttonValue) {
    // A cut value could not be parsed back: this is a programming error, not something to summarise.
    throw new RangeError(`button value of ${spec.actionId} has ${spec.value.length} characters (Slack allows ${SLACK_LIMITS.buttonValue})`);
  }
  return {
    type: 'button',
    text: plainText(spec.text, SLACK_LIMITS.buttonText),
    action_id: spec.actionId,
    value: spec.value,
    ...(spec.style ? { style: spec.style } : {}),
    ...(spec.confirm ? { confirm: confirmDialog(spec.confirm) } : {}),
  };
}
