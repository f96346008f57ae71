/**
 * Slack's documented size limits for what vmlocks sends (docs.slack.dev, "Block Kit" reference pages: blocks,
 * block elements, composition objects, views). Slack rejects a whole message (`invalid_blocks`) when one field is
 * over its limit, so the builders summarise long content instead of sending it.
 */
export const SLACK_LIMITS = {
  /** Blocks in one message (chat.postMessage, chat.update, response_url). */
  blocksPerMessage: 50,
  /** Blocks in one modal view. */
  blocksPerModal: 100,
  /** `text` of a section block. */
  sectionText: 3000,
  /** `text` of a header block (plain_text). */
  headerText: 150,
  /** Elements of a context block. */
  contextElements: 10,
  /** Elements of an actions block. */
  actionsElements: 25,
  /** `text` of a button (plain_text). */
  buttonText: 75,
  /** `value` of a button. */
  buttonValue: 2000,
  /** `action_id` and `block_id`. */
  actionId: 255,
  blockId: 255,
  /** Confirmation dialog: title, text, and the texts of its two buttons. */
  confirmTitle: 100,
  confirmText: 300,
  confirmButton: 30,
  /** Modal title and its submit/close buttons. */
  modalTitle: 24,
  modalButton: 24,
  /** `private_metadata` of a view. */
  privateMetadata: 3000,
  /** Label of an input block. */
  inputLabel: 2000,
  /**
   * The top-level `text` of a message: Slack truncates it at 40,000 characters; it is only the notification and
   * screen-reader fallback of the blocks, so vmlocks keeps it to one short paragraph.
   */
  fallbackText: 3000,
} as const;
