/**
 * Is the process that runs a fix still at it? A run is `running` in the shared store with the id of its runner
 * (`host/pid/nonce`) and a heartbeat it refreshes while it works. A process that starts (or sweeps) reports a run
 * as interrupted only when its runner is certainly gone: never a live run of another replica. Pure: the caller
 * passes its own identity, the time, and a probe of local pids.
 */

export interface RunnerIdentity {
  host: string;
  pid: number;
  nonce: string;
}

export function formatRunnerId(r: RunnerIdentity): string {
  return `${r.host}/${r.pid}/${r.nonce}`;
}

export function parseRunnerId(text: string): RunnerIdentity | null {
  const m = /^(.+)\/(\d+)\/([A-Za-z0-9]+)$/.exec(text);
  return m ? { host: m[1] ?? '', pid: Number(m[2]), nonce: m[3] ?? '' } : null;
}

export interface RunLivenessInput {
  runnerId?: string | null;
  heartbeatAt?: string | null;
}

export type RunLiveness =
  | { alive: true }
  | { alive: false; why: string };

/**
 * Abandoned when: no runner was recorded (a run from an older vmlocks, or approved but never started); the runner
 * was on this host and its pid is gone or is now ours (a restart: one pid, one process); or its heartbeat is older
 * than `staleAfterMs` (another host, or a process that hangs).
 */
export function runLiveness(run: RunLivenessInput, self: RunnerIdentity, nowMs: number, staleAfterMs: number, isPidAlive: (pid: number) => boolean): RunLiveness {
  const runner = run.runnerId ? parseRunnerId(run.runnerId) : null;
  if (runner === null) return { alive: false, why: 'no process is recorded as running it' };
  if (runner.nonce === self.nonce && runner.host === self.host && runner.pid === self.pid) return { alive: true };
  if (runner.host === self.host && (runner.pid === self.pid || !isPidAlive(runner.pid))) {
    return { alive: false, why: `the process that ran it (pid ${runner.pid} on ${runner.host}) is gone` };
  }
  const beat = run.heartbeatAt ? Date.parse(run.heartbeatAt) : Number.NaN;
  if (Number.isNaN(beat) || nowMs - beat > staleAfterMs) {
    return { alive: false, why: `its runner ${runner.host} (pid ${runner.pid}) has not reported for more than ${Math.round(staleAfterMs / 1000)} s` };
  }
  return { alive: true };
}
