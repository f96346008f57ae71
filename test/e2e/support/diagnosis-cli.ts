/**
 * Runs the built `vmlocks inspect` (node dist/cli.js) as an operator would, against the labs as the least-privilege
 * users, and reads its `--json` output with a schema written from DESIGN.md §6 (not the one in src/, so that a
 * change of the contract there cannot pass unnoticed).
 */
import { execa } from 'execa';
import { z } from 'zod';
import { CLI, labEnv } from '../../support/bot-process.js';

const Step = z.object({
  step: z.string(),
  argv: z.array(z.string()).optional(),
  request: z.object({ method: z.string(), path: z.string(), body: z.unknown().optional() }).optional(),
  /** Not in §6's list, but printed: what the step does (the confirm step says why there is no restart). */
  description: z.string().optional(),
}).refine((s) => s.argv !== undefined || s.request !== undefined || ['reinspect', 'confirm'].includes(s.step), {
  message: 'a step that runs something carries its argv or its request',
});

/** `vmlocks inspect --json`, DESIGN.md §6. Extra fields are allowed; these must be there. */
export const InspectContract = z.object({
  instance: z.object({
    id: z.string().nullable(),
    name: z.string().nullable(),
    status: z.string().nullable(),
    vmState: z.string().nullable(),
    powerState: z.number().int().nullable(),
    host: z.string().nullable(),
    hostState: z.string(),
  }),
  verdict: z.enum(['unlocked', 'alive', 'stale', 'unknown', 'not_found']),
  disks: z.array(z.object({
    image: z.string(),
    locks: z.array(z.object({
      id: z.string(), locker: z.string(), address: z.string(),
      verdict: z.enum(['alive', 'stale', 'unknown']),
      evidence: z.array(z.string()).min(1),
    })),
    watchers: z.array(z.object({ address: z.string(), client: z.string(), cookie: z.string() })),
    objectMapInvalid: z.boolean(),
  })),
  plan: z.array(Step),
  /** Not in §6's list, but printed: the instance-level sentences (why the verdict, what failed). */
  evidence: z.array(z.string()).optional(),
});
export type InspectContract = z.infer<typeof InspectContract>;

/** What `--json` prints for a name shared by several instances. */
export const AmbiguousJson = z.object({
  verdict: z.literal('ambiguous'),
  candidates: z.array(z.object({ id: z.string(), name: z.string(), host: z.string().nullable(), status: z.string() })).min(2),
});

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
  /** Wall time of the whole process, ms (reported, never asserted). */
  ms: number;
}

/** `node dist/cli.js <args>` with the labs' least-privilege environment plus `env`, bounded. */
export async function runCli(args: string[], env: Record<string, string> = {}, timeoutMs = 90_000): Promise<CliRun> {
  const started = performance.now();
  const r = await execa('node', [CLI, ...args], {
    env: { ...labEnv(), LOG_LEVEL: 'warn', ...env }, extendEnv: true, reject: false, stdin: 'ignore', timeout: timeoutMs,
  });
  if (r.timedOut) throw new Error(`vmlocks ${args.join(' ')} did not finish within ${timeoutMs} ms`);
  return { exitCode: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr, ms: Math.round(performance.now() - started) };
}

/** `vmlocks inspect <ref> --json`: the run and its output read with the contract. Throws if it is not the contract. */
export async function inspectJson(ref: string, env: Record<string, string> = {}): Promise<CliRun & { report: InspectContract }> {
  const run = await runCli(['inspect', ref, '--json'], env);
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch (e) {
    throw new Error(`vmlocks inspect ${ref} --json printed no JSON (exit ${run.exitCode}): ${run.stdout.slice(0, 500)} ${run.stderr.slice(0, 1000)}`, { cause: e });
  }
  return { ...run, report: InspectContract.parse(parsed) };
}

/** The one lock of a report's disk `image` (throws unless there is exactly one). */
export function onlyLock(report: InspectContract, image: string): InspectContract['disks'][number]['locks'][number] {
  const disk = report.disks.find((d) => d.image === image);
  if (disk === undefined) throw new Error(`no disk ${image} in the report: ${report.disks.map((d) => d.image).join(', ')}`);
  const [lock, ...more] = disk.locks;
  if (lock === undefined || more.length > 0) throw new Error(`${image}: expected one lock, got ${disk.locks.length}`);
  return lock;
}
