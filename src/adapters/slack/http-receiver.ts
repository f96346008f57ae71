/**
 * Bolt's HTTP receiver (http mode), hardened where Bolt is lenient:
 * - request bodies are limited to 64 KiB (Bolt's default is 4 MB): a bigger Content-Length is answered 413 here,
 *   before anything is read (Bolt would read up to the limit first), and a body without a length (chunked) is cut
 *   off with 413 by Bolt as soon as it passes the limit. Slack's largest payloads for this app (a view submission
 *   with the deny modal) are a few KiB.
 * - a signature timestamp more than 5 minutes in the future is refused with 401, like one more than 5 minutes old
 *   (Bolt only refuses old ones): a request signed ahead of time could otherwise be replayed for as long as it likes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { HTTPReceiver, type HTTPReceiverOptions } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';

export const SLACK_BODY_LIMIT_BYTES = 64 * 1024;
export const SLACK_MAX_CLOCK_AHEAD_SEC = 5 * 60;

export interface HardenedReceiverOptions extends Omit<HTTPReceiverOptions, 'bodyLimit'> {
  /** The paths whose requests must be signed by Slack (Bolt's `endpoints`). */
  endpoints: string;
  appLogger: Logger;
  nowMs?: () => number;
}

/** True when the request carries a Slack timestamp further ahead of this host's clock than Slack allows. */
function signedInTheFuture(req: IncomingMessage, nowMs: number): boolean {
  const header = req.headers['x-slack-request-timestamp'];
  if (typeof header !== 'string') return false; // Bolt refuses a missing or repeated header itself
  const ts = Number(header);
  return Number.isFinite(ts) && ts > Math.floor(nowMs / 1000) + SLACK_MAX_CLOCK_AHEAD_SEC;
}

function declaredTooLarge(req: IncomingMessage): boolean {
  const length = Number(req.headers['content-length'] ?? 0);
  return Number.isFinite(length) && length > SLACK_BODY_LIMIT_BYTES;
}

function refuse(res: ServerResponse, status: 401 | 413): void {
  // The body is not read: close the connection after the answer instead of draining it.
  res.writeHead(status, { Connection: 'close' });
  res.end();
}

export function createHardenedHttpReceiver(opts: HardenedReceiverOptions): HTTPReceiver {
  const { appLogger, nowMs = Date.now, ...boltOptions } = opts;
  const receiver = new HTTPReceiver({ ...boltOptions, bodyLimit: SLACK_BODY_LIMIT_BYTES });
  const boltListener = receiver.requestListener;
  receiver.requestListener = (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === opts.endpoints && declaredTooLarge(req)) {
      appLogger.warn({ event: 'slack_request_refused', reason: 'body_too_large', contentLength: req.headers['content-length'] }, 'refused a Slack request body over 64 KiB');
      return refuse(res, 413);
    }
    if (path === opts.endpoints && signedInTheFuture(req, nowMs())) {
      appLogger.warn({ event: 'slack_request_refused', reason: 'timestamp_in_future' }, 'refused a Slack request signed more than 5 minutes in the future');
      return refuse(res, 401);
    }
    boltListener(req, res);
  };
  return receiver;
}
