import { describe, expect, it, vi } from 'vitest';
import { createCommandLimiter } from '../../../src/adapters/limits/command-limiter.js';
import { manualClock, metricValue, observe } from './support/observe.js';

const WINDOW = 60_000;

describe('per-user command limiter', () => {
  it('refuses the 11th command in a window at once, saying when to retry', async () => {
    const { metrics, logger, lines } = observe();
    const clock = manualClock();
    const limiter = createCommandLimiter({ perUser: 10, windowMs: WINDOW, metrics, logger, clock });

    for (let i = 0; i < 10; i++) {
      expect(await limiter.take('U0ALICE')).toEqual({ allowed: true });
      clock.advance(1_000);
    }
    const refused = await limiter.take('U0ALICE');

    // The window opened 10 s ago (at the first command): 50 s are left.
    expect(refused).toEqual({ allowed: false, retryAfterMs: 50_000 });
    expect(await metricValue(metrics.limitHits, { limit: 'user_commands' })).toBe(1);
    expect(lines()).toContainEqual(expect.objectContaining({ event: 'limit_hit', limit: 'user_commands', user: 'U0ALICE', retryAfterMs: 50_000 }));
  });

  it('counts each user separately', async () => {
    const { metrics, logger } = observe();
    const limiter = createCommandLimiter({ perUser: 3, windowMs: WINDOW, metrics, logger, clock: manualClock() });
    for (let i = 0; i < 3; i++) await limiter.take('U0ALICE');
    expect(await limiter.take('U0ALICE')).toMatchObject({ allowed: false });
    expect(await limiter.take('U0BOB')).toEqual({ allowed: true });
  });

  it('allows the user again once the window has passed', async () => {
    const { metrics, logger } = observe();
    const clock = manualClock();
    const limiter = createCommandLimiter({ perUser: 2, windowMs: WINDOW, metrics, logger, clock });
    await limiter.take('U0ALICE');
    await limiter.take('U0ALICE');
    const refused = await limiter.take('U0ALICE');
    expect(refused).toEqual({ allowed: false, retryAfterMs: WINDOW });

    clock.advance(WINDOW - 1);
    expect(await limiter.take('U0ALICE')).toEqual({ allowed: false, retryAfterMs: 1 });
    clock.advance(1);
    expect(await limiter.take('U0ALICE')).toEqual({ allowed: true });
    expect(await limiter.take('U0ALICE')).toEqual({ allowed: true });
    expect(await limiter.take('U0ALICE')).toMatchObject({ allowed: false });
  });

  it('lets exactly the allowance through when one user fires many commands at once', async () => {
    const { metrics, logger } = observe();
    const limiter = createCommandLimiter({ perUser: 10, windowMs: WINDOW, metrics, logger, clock: manualClock() });

    const outcomes = await Promise.all(Array.from({ length: 25 }, () => limiter.take('U0ALICE')));

    expect(outcomes.filter((o) => o.allowed)).toHaveLength(10);
    expect(await metricValue(metrics.limitHits, { limit: 'user_commands' })).toBe(15);
  });

  it('forgets users who stayed idle', async () => {
    const { metrics, logger } = observe();
    // Real time here: bottleneck's Group expires idle limiters on its own timer (after 2 windows of 25 ms).
    const limiter = createCommandLimiter({ perUser: 1, windowMs: 25, metrics, logger });
    await limiter.take('U0ALICE');
    await limiter.take('U0BOB');
    expect(limiter.trackedUsers()).toBe(2);
    await vi.waitFor(() => expect(limiter.trackedUsers()).toBe(0), { timeout: 5_000, interval: 20 });
    expect(await limiter.take('U0ALICE')).toEqual({ allowed: true });
  });
});
