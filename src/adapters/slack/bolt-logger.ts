/**
 * Bolt and the WebClient log through @slack/logger's interface; this adapts it to our pino logger so that their
 * lines are structured JSON too (with the error under `err`). The level is pino's (LOG_LEVEL): Bolt's own
 * `setLevel(INFO)` default is ignored.
 */
import { LogLevel, type Logger as SlackLogger } from '@slack/bolt';
import type { Logger } from '../observability/logger.js';

const LEVELS: Record<string, LogLevel> = {
  trace: LogLevel.DEBUG, debug: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN, error: LogLevel.ERROR, fatal: LogLevel.ERROR,
};

function split(parts: unknown[]): { err?: Error; msg: string } {
  const err = parts.find((p): p is Error => p instanceof Error);
  const msg = parts
    .filter((p) => p !== err)
    .map((p) => (typeof p === 'string' ? p : JSON.stringify(p)))
    .join(' ');
  return err ? { err, msg } : { msg };
}

export function toSlackLogger(logger: Logger, component: string): SlackLogger {
  let log = logger.child({ component });
  const write = (level: 'debug' | 'info' | 'warn' | 'error') => (...parts: unknown[]): void => {
    const { err, msg } = split(parts);
    if (err) log[level]({ err }, msg || err.message);
    else log[level](msg);
  };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    setLevel: () => undefined,
    getLevel: () => LEVELS[log.level] ?? LogLevel.INFO,
    setName: (name: string) => {
      log = logger.child({ component: name });
    },
  };
}
