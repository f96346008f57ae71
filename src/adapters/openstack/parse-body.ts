/** JSON bodies through zod: the first issue, with its path, as a sentence for the error. */
import type { z } from 'zod';
import { err, ok, type Result } from '../../core/result.js';

export function parseJsonBody<T>(text: string, schema: z.ZodType<T>): Result<T, string> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return err('the body is not JSON');
  }
  const r = schema.safeParse(body);
  if (r.success) return ok(r.data);
  const issue = r.error.issues[0];
  return err(issue === undefined ? 'unexpected body' : `${issue.path.join('.') || 'body'}: ${issue.message}`);
}
