/** Structured JSON logs (pino) on stdout; `LOG_LEVEL` picks the level. Secrets never reach a log line. */
import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Secrets never reach a log line, at any level: credentials, and what a Slack payload carries that lets anyone act
 * as the bot or answer as it (`response_url` works for 30 minutes, `trigger_id` opens views, the payload `token`).
 * pino's `*` matches one level, so the paths are spelled out to the depths a logged object has (body.payload.x).
 */
const SECRET_KEYS = ['token', 'password', 'secret', 'response_url', 'response_urls', 'trigger_id', 'responseUrl', 'triggerId'];
export const REDACTED_PATHS = [
  ...SECRET_KEYS.flatMap((k) => [k, `*.${k}`, `*.*.${k}`, `*.*.*.${k}`]),
  'headers.authorization', '*.headers.authorization', '*.headers["x-auth-token"]',
];

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { app: 'vmlocks' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    },
    opts.destination ?? process.stdout,
  );
}
