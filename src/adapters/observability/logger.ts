/** Structured JSON logs (pino) on stdout; `LOG_LEVEL` picks the level. Secrets never reach a log line. */
import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  return pino(
    {
      level: opts.level ?? 'info',
      base: { app: 'vmlocks' },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['token', '*.token', 'password', '*.password', 'secret', '*.secret', 'headers.authorization', '*.headers["x-auth-token"]'],
        censor: '[redacted]',
      },
    },
    opts.destination ?? process.stdout,
  );
}
