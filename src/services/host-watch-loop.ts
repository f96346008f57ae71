/**
 * Runs the host watch: a poll at start, then every interval, or sooner when an owed announcement falls due (a down
 * host's settle ends between two polls). One poll at a time; stop() waits for the poll in progress.
 */
import type { Clock } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import type { HostWatch } from './watch-hosts.js';

export interface RunningHostWatch {
  stop(): Promise<void>;
}

/** Shortest wait between two polls, so that a due announcement that cannot be claimed never spins the loop. */
const MIN_WAIT_MS = 1_000;

export function startHostWatch(watch: HostWatch, opts: { intervalMs: number; clock: Clock; logger: Logger }): RunningHostWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  let current: Promise<void> = Promise.resolve();

  const waitAfter = (nextDueAt: Date | null): number => {
    const untilDue = nextDueAt === null ? opts.intervalMs : nextDueAt.getTime() - opts.clock.now().getTime();
    return Math.max(Math.min(MIN_WAIT_MS, opts.intervalMs), Math.min(opts.intervalMs, untilDue));
  };

  const tick = (): void => {
    timer = null;
    current = watch.poll().then(({ nextDueAt }) => {
      if (!stopped) timer = setTimeout(tick, waitAfter(nextDueAt));
    }, (e: unknown) => {
      // poll() does not throw; should it ever, the watch goes on at the next interval rather than dying silently
      opts.logger.error({ event: 'host_watch_poll_failed', err: e }, 'host watch poll failed');
      if (!stopped) timer = setTimeout(tick, opts.intervalMs);
    });
  };
  tick();

  return {
    async stop() {
      stopped = true;
      if (timer !== null) clearTimeout(timer);
      await current;
    },
  };
}
