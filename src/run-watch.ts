/** This process as a fix runner: its identity and how it probes local pids (core/run-liveness.ts). */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { RunWatch } from './services/request-lifecycle.js';

/** A run not refreshed for this long is taken for dead by the other replicas (runs refresh every 10 s). */
const RUN_STALE_AFTER_MS = 45_000;

function isPidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0); // signal 0: only asks whether the process exists
    return true;
  } catch (e) {
    return e instanceof Error && Reflect.get(e, 'code') === 'EPERM'; // exists, owned by someone else
  }
}

/** Who this process is, for the runs it starts (host/pid/nonce). */
export function runWatch(): RunWatch {
  return { self: { host: hostname(), pid: process.pid, nonce: randomBytes(4).toString('hex') }, staleAfterMs: RUN_STALE_AFTER_MS, isPidAlive };
}
