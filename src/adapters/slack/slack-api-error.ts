/**
 * The one error class of the Slack adapter's outbound calls: which Web API method failed, Slack's error code
 * (`not_in_channel`, `invalid_auth`, …) when Slack gave one, and the WebClient error as `cause`.
 */
import { WebAPIPlatformError } from '@slack/web-api';

export class SlackApiError extends Error {
  override readonly name = 'SlackApiError';
  readonly code = 'SLACK_API_ERROR';
  /** Slack's `error` field for an `ok: false` answer; null for transport failures (timeout, 5xx, bad shape). */
  readonly slackError: string | null;

  constructor(readonly method: string, message: string, opts: { cause?: unknown; slackError?: string | null } = {}) {
    super(`Slack ${method} failed: ${message}`, { cause: opts.cause });
    this.slackError = opts.slackError ?? null;
  }

  static from(method: string, cause: unknown): SlackApiError {
    if (cause instanceof SlackApiError) return cause;
    if (cause instanceof WebAPIPlatformError) {
      const code = typeof cause.data.error === 'string' ? cause.data.error : 'unknown_error';
      return new SlackApiError(method, code, { cause, slackError: code });
    }
    return new SlackApiError(method, cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
