import { describe, expect, it } from 'vitest';
import { startHostWatch } from '../../src/services/host-watch-loop.js';
import type { HostWatch } from '../../src/services/watch-hosts.js';
import { memoryLogger } from './support/host-watch-fakes.js';

const clock = { now: () => new Date() };

/** A watch whose polls the test counts and can hold open. */
function countingWatch(answer: () => Date | null = () => null) {
  let polls = 0;
  let release: (() => void) | null = null;
  let hold = false;
  const watch: HostWatch = {
    async poll() {
      polls += 1;
      if (hold) await new Promise<void>((r) => { release = r; });
      return { nextDueAt: answer() };
    },
  };
  return {
    watch, polls: () => polls, holdNext: () => { hold = true; }, release: () => { hold = false; release?.(); },
    isHeld: () => release !== null,
  };
}

async function until(what: string, check: () => boolean): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`never: ${what}`);
}

describe('the host watch loop', () => {
  it('polls at once, then again and again, and stops polling when stopped', async () => {
    const w = countingWatch();
    const running = startHostWatch(w.watch, { intervalMs: 20, clock, logger: memoryLogger().logger });
    expect(w.polls()).toBe(1);
    await until('three polls', () => w.polls() >= 3);
    await running.stop();
    const after = w.polls();
    await new Promise((r) => setTimeout(r, 100));
    expect(w.polls()).toBe(after);
  });

  it('waits for the poll in progress before stop() returns (clean SIGTERM)', async () => {
    const w = countingWatch();
    w.holdNext();
    const running = startHostWatch(w.watch, { intervalMs: 20, clock, logger: memoryLogger().logger });
    await until('the poll is under way', w.isHeld);
    let stopped = false;
    const stopping = running.stop().then(() => { stopped = true; });
    await new Promise((r) => setTimeout(r, 50));
    expect(stopped).toBe(false);
    w.release();
    await stopping;
    expect(w.polls()).toBe(1);
  });

  it('wakes before the interval when an announcement falls due (a down host\'s settle ends between two polls)', async () => {
    const w = countingWatch(() => new Date(Date.now() + 100));
    const running = startHostWatch(w.watch, { intervalMs: 3_600_000, clock, logger: memoryLogger().logger });
    await until('a second poll long before the hour', () => w.polls() >= 2);
    await running.stop();
  });

  it('keeps polling when a poll throws, and logs it', async () => {
    const log = memoryLogger();
    let polls = 0;
    const running = startHostWatch({ poll: async () => { polls += 1; throw new Error('boom'); } }, { intervalMs: 20, clock, logger: log.logger });
    await until('two polls', () => polls >= 2);
    await running.stop();
    expect(log.lines().some((l) => l.event === 'host_watch_poll_failed')).toBe(true);
  });
});
