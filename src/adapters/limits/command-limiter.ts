/**
 * Per-user limit on slash commands and clicks: a bottleneck Group keyed by Slack user, each limiter a reservoir of
 * `perUser` tokens for a fixed window. A call over the limit is refused at once, never queued: Slack wants an
 * answer within 3 s (https://api.slack.com/interactivity/slash-commands#responding_basic_receipt).
 *
 * The window is driven by our clock (injectable), not by bottleneck's reservoirRefreshInterval: bottleneck keeps
 * its refresh time private and reads Date.now(), so it could not say when the user may retry. The reservoir stays
 * bottleneck's: its submit lock makes take-a-token atomic under concurrent calls.
 */
import Bottleneck from 'bottleneck';
import type { Clock, CommandLimiter } from '../../ports.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';

export interface CommandLimiterOptions {
  perUser?: number;
  windowMs?: number;
  metrics: Metrics;
  logger: Logger;
  clock?: Clock;
  /** The limit's name in metrics and logs; default `user_commands` (`user_decisions` for Approve/Deny). */
  limitName?: string;
}

interface Window {
  startMs: number;
  /** Settles when the reservoir of this window has been filled; every take of the window waits for it. */
  refilled: Promise<unknown>;
}

const systemClock: Clock = { now: () => new Date() };

export interface UserCommandLimiter extends CommandLimiter {
  /** Users with a live limiter (idle ones are dropped after two windows). */
  trackedUsers(): number;
}

export function createCommandLimiter(opts: CommandLimiterOptions): UserCommandLimiter {
  const perUser = opts.perUser ?? 10;
  const windowMs = opts.windowMs ?? 60_000;
  const clock = opts.clock ?? systemClock;
  const group = new Bottleneck.Group({
    reservoir: perUser,
    // highWater 0 + OVERFLOW: a call that cannot run now is dropped instead of queued.
    highWater: 0,
    strategy: Bottleneck.strategy.OVERFLOW,
    // An idle user's limiter is dropped after two windows; its next call starts a fresh window, which is right
    // since its last token was taken more than a window ago.
    timeout: 2 * windowMs,
  });
  // Keyed by the limiter object, so that the window goes away with a limiter the Group expired.
  const windows = new WeakMap<Bottleneck, Window>();

  function currentWindow(limiter: Bottleneck, nowMs: number): Window {
    const w = windows.get(limiter);
    if (w && nowMs - w.startMs < windowMs) return w;
    // updateSettings() returns a Promise at run time although bottleneck.d.ts says Bottleneck: Promise.resolve()
    // adopts it either way.
    const refilled = w ? Promise.resolve(limiter.updateSettings({ reservoir: perUser })) : Promise.resolve();
    const fresh: Window = { startMs: nowMs, refilled };
    windows.set(limiter, fresh);
    return fresh;
  }

  async function take(key: string): ReturnType<CommandLimiter['take']> {
    const nowMs = clock.now().getTime();
    const limiter = group.key(key);
    const window = currentWindow(limiter, nowMs);
    await window.refilled;
    try {
      await limiter.schedule(() => Promise.resolve());
      return { allowed: true };
    } catch (e) {
      if (!(e instanceof Bottleneck.BottleneckError)) throw e;
      const retryAfterMs = Math.max(1, window.startMs + windowMs - nowMs);
      const limit = opts.limitName ?? 'user_commands';
      opts.metrics.limitHits.inc({ limit });
      opts.logger.warn({ event: 'limit_hit', limit, user: key, perUser, windowMs, retryAfterMs }, `${limit} limit hit`);
      return { allowed: false, retryAfterMs };
    }
  }

  return { take, trackedUsers: () => group.keys().length };
}
