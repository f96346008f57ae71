import { describe, expect, it } from 'vitest';
import { formatRunnerId, parseRunnerId, runLiveness } from '../../src/core/run-liveness.js';

const self = { host: 'bot-a', pid: 100, nonce: 'n1' };
const now = Date.parse('2026-11-25T02:20:00Z');
const alivePids = (pids: number[]) => (pid: number) => pids.includes(pid);

describe('runLiveness', () => {
  it('round-trips a runner id', () => {
    expect(parseRunnerId(formatRunnerId({ host: 'vmlocks-7d9f.example', pid: 1, nonce: 'ab12' }))).toEqual({ host: 'vmlocks-7d9f.example', pid: 1, nonce: 'ab12' });
    expect(parseRunnerId('garbage')).toBeNull();
  });

  it('keeps a run of this very process alive', () => {
    expect(runLiveness({ runnerId: 'bot-a/100/n1', heartbeatAt: '2026-11-25T01:00:00Z' }, self, now, 45_000, alivePids([100])).alive).toBe(true);
  });

  it('abandons a run with no runner recorded (approved but never started, or from an older vmlocks)', () => {
    expect(runLiveness({ runnerId: null, heartbeatAt: null }, self, now, 45_000, alivePids([])).alive).toBe(false);
  });

  it('abandons at once a run whose runner on this host is dead (kill -9, then restart)', () => {
    const r = runLiveness({ runnerId: 'bot-a/42/n0', heartbeatAt: '2026-11-25T02:19:59Z' }, self, now, 45_000, alivePids([100]));
    expect(r).toEqual({ alive: false, why: 'the process that ran it (pid 42 on bot-a) is gone' });
  });

  it('abandons at once a run of an earlier process with our pid on our host (a container restarted: pid 1 again)', () => {
    expect(runLiveness({ runnerId: 'bot-a/100/n0', heartbeatAt: '2026-11-25T02:19:59Z' }, self, now, 45_000, alivePids([100])).alive).toBe(false);
  });

  it('keeps alive a run of another replica that reported recently, even when our pid probe knows nothing of it', () => {
    expect(runLiveness({ runnerId: 'bot-b/100/n9', heartbeatAt: '2026-11-25T02:19:40Z' }, self, now, 45_000, alivePids([])).alive).toBe(true);
  });

  it('abandons a run of another replica silent for longer than the limit', () => {
    const r = runLiveness({ runnerId: 'bot-b/7/n9', heartbeatAt: '2026-11-25T02:19:00Z' }, self, now, 45_000, alivePids([]));
    expect(r.alive).toBe(false);
    expect(r.alive ? '' : r.why).toContain('has not reported for more than 45 s');
  });

  it('keeps alive a run of a live local process that reported recently', () => {
    expect(runLiveness({ runnerId: 'bot-a/200/n2', heartbeatAt: '2026-11-25T02:19:50Z' }, self, now, 45_000, alivePids([100, 200])).alive).toBe(true);
  });
});
