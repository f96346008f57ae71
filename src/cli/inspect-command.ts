/**
 * `vmlocks inspect <instance> [--json]`: the same diagnosis as `/vmlocks`, without Slack. Read-only.
 * Exit 0 when inspected (any verdict), 2 for bad input, not found or ambiguous, 1 for errors.
 */
import { parseInstanceRef } from '../core/ids.js';
import { notFoundJson, toInspectJson } from '../core/instance-json.js';
import type { Logger } from '../adapters/observability/logger.js';
import { createMetrics } from '../adapters/observability/metrics.js';
import { buildPorts } from '../build-ports.js';
import type { BaseConfig } from '../config.js';
import { userMessageOf } from '../services/describe-error.js';
import { createInspectService } from '../services/inspect-instance.js';
import { formatOutcome } from './format-report.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export async function inspectCommand(cfg: BaseConfig, text: string, opts: { json: boolean }, io: CliIo, logger: Logger): Promise<number> {
  const ref = parseInstanceRef(text);
  if (!ref.ok) {
    io.err(`vmlocks inspect: ${ref.error}\nusage: vmlocks inspect <instance name or UUID> [--json]`);
    return 2;
  }
  try {
    const metrics = createMetrics();
    const ports = await buildPorts(cfg, metrics);
    const service = createInspectService({ ...ports, novaPool: cfg.novaPool, cinderPools: cfg.cinderPools, clock: { now: () => new Date() }, metrics });
    const outcome = await service.inspect(ref.value, `cli:${process.env.USER ?? 'unknown'}`);
    if (opts.json) {
      const json = outcome.kind === 'report' ? toInspectJson(outcome.report, outcome.plan)
        : outcome.kind === 'not_found' ? notFoundJson(outcome.ref)
          : { verdict: 'ambiguous', candidates: outcome.candidates };
      io.out(JSON.stringify(json, null, 2));
    } else {
      io.out(formatOutcome(outcome));
    }
    return outcome.kind === 'report' ? 0 : 2;
  } catch (e) {
    const ref = Math.random().toString(16).slice(2, 6);
    logger.error({ err: e, ref }, 'inspect failed');
    io.err(`vmlocks inspect: ${userMessageOf(e) ?? `could not check ${text} (ref ${ref}): ${e instanceof Error ? e.message : String(e)}`}\nNothing was changed.`);
    return 1;
  }
}
