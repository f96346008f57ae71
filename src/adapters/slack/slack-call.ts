/**
 * Every outbound Web API call goes through `callSlack`: it counts the call (`externalCalls{system="slack"}` and
 * its duration), validates the answer with zod, and turns any failure into a SlackApiError with the cause.
 */
import type { z } from 'zod';
import type { Metrics } from '../observability/metrics.js';
import { SlackApiError } from './slack-api-error.js';

function outcomeOf(error: unknown): 'error' | 'timeout' {
  const text = error instanceof Error ? `${error.name} ${error.message} ${String(error.cause)}` : String(error);
  return /timeout|aborted/i.test(text) ? 'timeout' : 'error';
}

export async function callSlack<S extends z.ZodType>(
  metrics: Metrics | undefined, method: string, schema: S, call: () => Promise<unknown>,
): Promise<z.infer<S>> {
  const stop = metrics?.externalCallSeconds.startTimer({ system: 'slack', op: method });
  let answer: unknown;
  try {
    answer = await call();
  } catch (error) {
    metrics?.externalCalls.inc({ system: 'slack', op: method, outcome: outcomeOf(error) });
    throw SlackApiError.from(method, error);
  } finally {
    stop?.();
  }
  const parsed = schema.safeParse(answer);
  if (!parsed.success) {
    metrics?.externalCalls.inc({ system: 'slack', op: method, outcome: 'error' });
    throw new SlackApiError(method, `unexpected answer: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  metrics?.externalCalls.inc({ system: 'slack', op: method, outcome: 'ok' });
  return parsed.data;
}
