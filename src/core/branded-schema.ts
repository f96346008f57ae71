/** A zod string schema checked by one of the parse functions of ids.ts, producing its branded type. */
import { z } from 'zod';
import type { Result } from './result.js';

export function branded<T>(parse: (text: string) => Result<T, string>) {
  return z.string().transform((text, ctx): T => {
    const r = parse(text);
    if (r.ok) return r.value;
    ctx.addIssue({ code: 'custom', message: r.error });
    return z.NEVER;
  });
}
