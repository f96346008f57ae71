/**
 * Handles on rbd-writer.py processes (a librbd client standing in for a VM's QEMU), started as a chosen CephX user.
 * Every writer is tracked until it exits; `killAllWriters()` (for afterAll) and a process `exit` hook make sure no
 * writer outlives the test run.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { z } from 'zod';
import { parseEntityAddr, parseLocker, splitImageSpec, type EntityAddr, type ImageSpec, type Locker } from '../../src/core/ids.js';
import { cephLab, type CephUser } from './ceph-lab.js';

const WRITER_SCRIPT = fileURLToPath(new URL('./rbd-writer.py', import.meta.url));
// python3-rbd/python3-rados live in the system Python; a pyenv `python3` on PATH lacks them
const SYSTEM_PYTHON = '/usr/bin/python3';

export const WriterEvent = z.discriminatedUnion('event', [
  z.object({ event: z.literal('connected'), client: z.string(), address: z.string() }),
  z.object({ event: z.literal('opened') }),
  z.object({ event: z.literal('locked') }),
  z.object({ event: z.literal('write-error'), errno: z.number().int(), message: z.string() }),
  z.object({ event: z.literal('error'), errno: z.number().int(), message: z.string() }),
  z.object({ event: z.literal('closed') }),
]);
export type WriterEvent = z.infer<typeof WriterEvent>;

export interface RbdWriter {
  pid: number;
  user: CephUser;
  spec: ImageSpec;
  /** The writer's RADOS identity (known once connected): `client.N` and `IP:port/nonce`. */
  client: Locker;
  address: EntityAddr;
  /** Every event so far, in order. */
  events(): WriterEvent[];
  /** Resolves with the first event of one of these kinds (already seen or future); rejects on exit or after timeoutMs. */
  waitFor(kinds: WriterEvent['event'] | Array<WriterEvent['event']>, timeoutMs: number): Promise<WriterEvent>;
  /** The outcome of the write: `locked`, or `write-error` with its errno (EACCES 13 when it could not blocklist). */
  writeOutcome(timeoutMs: number): Promise<WriterEvent>;
  /** Sends the signal and waits for the exit. SIGKILL plays a power loss; SIGTERM closes the image cleanly. */
  kill(signal?: 'SIGKILL' | 'SIGTERM'): Promise<void>;
  isRunning(): boolean;
}

const live = new Map<number, { stop(signal: 'SIGKILL' | 'SIGTERM'): Promise<void>; pid: number }>();

process.on('exit', () => {
  for (const pid of live.keys()) {
    try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ }
  }
});

/**
 * Stops every writer still running and waits for them. Safe to call twice. SIGTERM closes the image (execa sends
 * SIGKILL 5 s later if the writer is stuck in a write); SIGKILL leaves its watch to expire.
 */
export async function killAllWriters(signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> {
  await Promise.all([...live.values()].map((w) => w.stop(signal)));
}

/** Starts a writer as `user` on `spec` and waits until it connected (it then opens the image and writes). */
export async function startWriter(spec: ImageSpec, user: CephUser, timeoutMs = 30_000): Promise<RbdWriter> {
  const lab = cephLab();
  const { pool, image } = splitImageSpec(spec);
  const sub: ResultPromise = execa(SYSTEM_PYTHON, [WRITER_SCRIPT, lab.conf, lab.idFor(user), pool, image], {
    env: lab.env(user), reject: false, buffer: false, stdin: 'ignore', stderr: 'pipe',
  });
  const pid = sub.pid;
  if (pid === undefined) throw new Error(`could not start ${SYSTEM_PYTHON} ${WRITER_SCRIPT}`);
  const seen: WriterEvent[] = [];
  const waiters = new Set<() => void>();
  let running = true;
  let stderr = '';
  sub.stderr?.on('data', (chunk: Buffer) => { stderr = (stderr + chunk.toString()).slice(-4000); });
  if (sub.stdout === null) throw new Error('writer has no stdout');
  const lines = createInterface({ input: sub.stdout });
  lines.on('line', (line) => {
    const parsed = WriterEvent.safeParse(safeJson(line));
    if (parsed.success) seen.push(parsed.data);
    for (const wake of waiters) wake();
  });
  // exited once the process ended and its last lines were read (an "error" line comes just before the exit)
  const exited = Promise.all([sub, once(lines, 'close')]).then(() => {
    running = false;
    live.delete(pid);
    for (const wake of waiters) wake();
  });
  const stop = async (signal: 'SIGKILL' | 'SIGTERM' = 'SIGKILL'): Promise<void> => {
    if (running) sub.kill(signal);
    await exited;
  };
  live.set(pid, { pid, stop });

  const waitFor = (kinds: WriterEvent['event'] | Array<WriterEvent['event']>, ms: number): Promise<WriterEvent> => new Promise((resolve, reject) => {
    const wanted: string[] = Array.isArray(kinds) ? kinds : [kinds];
    const kind = wanted.join('" or "');
    const check = (): boolean => {
      const hit = seen.find((e) => wanted.includes(e.event));
      if (hit !== undefined) { done(); resolve(hit); return true; }
      if (!running) { done(); reject(new Error(`writer ${pid} (${user} on ${spec}) exited before "${kind}"; events ${JSON.stringify(seen)}; stderr ${stderr.slice(-500)}`)); return true; }
      return false;
    };
    const timer = setTimeout(() => { done(); reject(new Error(`writer ${pid} (${user} on ${spec}): no "${kind}" within ${ms} ms; events ${JSON.stringify(seen)}`)); }, ms);
    const wake = (): void => { check(); };
    const done = (): void => { clearTimeout(timer); waiters.delete(wake); };
    if (!check()) waiters.add(wake);
  });

  const connected = await waitFor('connected', timeoutMs).catch(async (e: unknown) => { await stop(); throw e; });
  if (connected.event !== 'connected') throw new Error('unreachable');
  const client = parseLocker(connected.client);
  const address = parseEntityAddr(connected.address);
  if (!client.ok || !address.ok) {
    await stop();
    throw new Error(`writer reported a bad identity: ${JSON.stringify(connected)}`);
  }
  return {
    pid, user, spec, client: client.value, address: address.value,
    events: () => [...seen],
    waitFor,
    writeOutcome: (ms) => waitFor(['locked', 'write-error'], ms),
    kill: stop,
    isRunning: () => running,
  };
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return null;
  }
}
