/**
 * Supervises the Ceph read helper (rados-helper.py): one long-lived process that holds one librados connection
 * as the bot's CephX user and answers JSON lines over stdio. Calls are multiplexed by id (several in flight; the
 * helper answers in any order), each with a deadline on this side:
 * - a call past its deadline is rejected (`timeout`) and its process is retired: new calls go to a fresh process,
 *   the old one is killed once its other calls have answered or timed out (librados' own timeouts are shorter, so
 *   a call still running past the deadline means the connection is stuck);
 * - a process that exits (crash, abort inside librados, kill) fails its calls (`exited`); the next call starts
 *   another. A librados abort or hang never reaches the bot's event loop: it is another process.
 * The process is referenced only while calls are in flight, so an idle helper never keeps a CLI run alive.
 */
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import { z } from 'zod';

/** The helper script, beside this module in src/ and in dist/ (the build copies it). */
export const RADOS_HELPER_SCRIPT = fileURLToPath(new URL('./rados-helper.py', import.meta.url));
/** Debian's python3-rados/python3-rbd are modules of the system Python (a pyenv `python3` lacks them). */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export type HelperRequest =
  | { op: 'ping' } | { op: 'blocklist_ls' } | { op: 'ls'; pool: string }
  | { op: 'lock_ls' | 'status' | 'info'; pool: string; image: string };

export const HelperReply = z.discriminatedUnion('ok', [
  z.object({ id: z.number().int(), ok: z.literal(true), out: z.string(), spelling: z.enum(['blocklist', 'blacklist']).optional() }),
  z.object({
    id: z.number().int(), ok: z.literal(false), errno: z.number().int().min(0).max(4095),
    stage: z.enum(['connect', 'pool', 'image', 'call']), error: z.string().max(4000),
  }),
]);
export type HelperReply = z.infer<typeof HelperReply>;
export type HelperFailureReply = Extract<HelperReply, { ok: false }>;

/** The helper did not answer: the call timed out, or its process exited or could not start. */
export class HelperUnavailable extends Error {
  override readonly name = 'HelperUnavailable';
  constructor(readonly reason: 'timeout' | 'exited' | 'closed', message: string, readonly stderr: string) {
    super(message);
  }
}

export interface RadosHelperOptions {
  /** Program and arguments that start the helper (default: the system Python and the script). */
  command?: string[];
  /** Arguments after the command: identity, timeouts. */
  args: string[];
  /** The helper's whole environment (not merged with the bot's). */
  env: Record<string, string | undefined>;
  /** Per-call deadline on this side, in ms. */
  deadlineMs: number;
}

export interface RadosHelper {
  call(req: HelperRequest): Promise<HelperReply>;
  /** Ends every helper process (stdin closed, then SIGKILL after 2 s). */
  close(): Promise<void>;
  /** Processes started so far (1 while the first lives). */
  starts(): number;
  /** The pid of the process new calls go to, if one runs. */
  pid(): number | undefined;
}

interface Pending { resolve(r: HelperReply): void; reject(e: Error): void; timer: NodeJS.Timeout }
interface Generation { child: ResultPromise; pending: Map<number, Pending>; retired: boolean; stderr: string }

export function createRadosHelper(o: RadosHelperOptions): RadosHelper {
  const command = o.command ?? [SYSTEM_PYTHON, RADOS_HELPER_SCRIPT];
  let current: Generation | null = null;
  let nextId = 1;
  let started = 0;
  const all = new Set<Generation>();

  function setRef(g: Generation, on: boolean): void {
    for (const h of [g.child, g.child.stdin, g.child.stdout, g.child.stderr]) {
      if (h !== null && 'ref' in h && typeof h.ref === 'function' && typeof h.unref === 'function') {
        if (on) h.ref();
        else h.unref();
      }
    }
  }

  function settle(g: Generation, id: number): Pending | undefined {
    const p = g.pending.get(id);
    if (p === undefined) return undefined;
    clearTimeout(p.timer);
    g.pending.delete(id);
    if (g.pending.size === 0) {
      if (g.retired) g.child.kill('SIGKILL');
      else setRef(g, false);
    }
    return p;
  }

  function retire(g: Generation): void {
    g.retired = true;
    if (current === g) current = null;
    g.child.stdin?.end();
    if (g.pending.size === 0) g.child.kill('SIGKILL');
  }

  function start(): Generation {
    const [file = SYSTEM_PYTHON, ...rest] = command;
    const child = execa(file, [...rest, ...o.args], {
      env: o.env, extendEnv: false, stdin: 'pipe', stdout: 'pipe', stderr: 'pipe', buffer: false, reject: false, stripFinalNewline: false,
    });
    started++;
    const g: Generation = { child, pending: new Map(), retired: false, stderr: '' };
    all.add(g);
    child.stdin?.on('error', () => { /* EPIPE from a dead helper: its exit fails the calls */ });
    child.stderr?.on('data', (chunk: Buffer) => { g.stderr = (g.stderr + chunk.toString('utf8')).slice(-4000); });
    if (child.stdout !== null) {
      createInterface({ input: child.stdout, crlfDelay: Infinity }).on('line', (line) => {
        let decoded: unknown;
        try { decoded = JSON.parse(line); } catch { decoded = null; }
        const reply = HelperReply.safeParse(decoded);
        if (reply.success) settle(g, reply.data.id)?.resolve(reply.data);
        else g.stderr = `${g.stderr}\n(unexpected line from the helper) ${line.slice(0, 300)}`.slice(-4000);
      });
    }
    void child.then((r) => {
      all.delete(g);
      if (current === g) current = null;
      const how = r.exitCode === undefined && r.signal === undefined
        ? `could not start ${file}: ${r.shortMessage}`
        : `exited (${r.signal ?? `code ${String(r.exitCode)}`})`;
      for (const id of [...g.pending.keys()]) {
        settle(g, id)?.reject(new HelperUnavailable('exited', `the Ceph read helper ${how}`, g.stderr.trim()));
      }
    });
    return g;
  }

  return {
    call(req) {
      const g = current ?? (current = start());
      const id = nextId++;
      return new Promise<HelperReply>((resolve, reject) => {
        const timer = setTimeout(() => {
          settle(g, id)?.reject(new HelperUnavailable('timeout', `no answer from the Ceph read helper within ${o.deadlineMs} ms`, g.stderr.trim()));
          retire(g); // stuck: replaced for the next calls
        }, o.deadlineMs);
        g.pending.set(id, { resolve, reject, timer });
        setRef(g, true);
        g.child.stdin?.write(`${JSON.stringify({ id, ...req })}\n`);
      });
    },
    async close() {
      const gens = [...all];
      current = null;
      for (const g of gens) {
        for (const id of [...g.pending.keys()]) settle(g, id)?.reject(new HelperUnavailable('closed', 'the Ceph adapter was closed', ''));
        g.child.stdin?.end();
      }
      await Promise.all(gens.map(async (g) => {
        const kill = setTimeout(() => g.child.kill('SIGKILL'), 2000);
        await g.child;
        clearTimeout(kill);
      }));
    },
    starts: () => started,
    pid: () => current?.child.pid,
  };
}
