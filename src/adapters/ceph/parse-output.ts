/** Decodes and validates a CLI's JSON output; anything else is a CephOutputError with an excerpt of what was printed. */
import { z } from 'zod';
import { decodeCephJson } from './ceph-json.js';
import { CephOutputError, excerpt, headExcerpt } from './errors.js';
import type { CliOutput } from './run-cli.js';

export function parseOutput<S extends z.ZodType>(schema: S, out: CliOutput, action: string): z.output<S> {
  const fail = (why: string, cause?: unknown): CephOutputError => {
    const shown = headExcerpt(out.stdout.trim() === '' ? '(empty output)' : out.stdout);
    return new CephOutputError(`${action}: unexpected output (${why}): ${shown}`, {
      argv: out.argv, exitCode: out.exitCode, stderr: excerpt(out.stderr), excerpt: shown, cause,
      userMessage: `\`${action}\` printed output vmlocks cannot read (${why.split('\n')[0]}). ` +
        'Check that rbd/ceph on this host are Ceph 14 or later (ceph-common), then report it with the output excerpt.',
    });
  };
  const decoded = decodeCephJson(out.stdout);
  if (!decoded.ok) throw fail(decoded.error);
  const parsed = schema.safeParse(decoded.value);
  if (!parsed.success) throw fail(z.prettifyError(parsed.error), parsed.error);
  return parsed.data;
}
