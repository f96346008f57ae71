/**
 * `vmlocks inspect <instance> [--json]` and `vmlocks host <compute-host> [--json]`: the same diagnosis as
 * `/vmlocks`, without Slack. Read-only. Exit 0 when inspected (any verdict), 2 for bad input, not found or
 * ambiguous, 1 for errors.
 */
import { parseHostName, parseInstanceRef } from '../core/ids.js';
import { notFoundJson, toInspectJson } from '../core/instance-json.js';
import type { Logger } from '../adapters/observability/logger.js';
import { createMetrics } from '../adapters/observability/metrics.js';
import { buildPorts } from '../build-ports.js';
import type { BaseConfig } from '../config.js';
import { userMessageOf } from '../services/describe-error.js';
import { createInspectService } from '../services/inspect-instance.js';
import { formatHostOutcome, formatOutcome } from './format-report.js';
import { hostJson } from '../core/host-json.js';
import { jsonForTerminal } from './terminal-text.js';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const actor = (): string => `cli:${process.env.USER ?? 'unknown'}`;

async function inspectService(cfg: BaseConfig) {
  const metrics = createMetrics();
  const ports = await buildPorts(cfg, metrics);
  return createInspectService({ ...ports, novaPool: cfg.novaPool, cinderPools: cfg.cinderPools, clock: { now: () => new Date() }, metrics, fenceExpiryMs: cfg.fenceExpiryMs, batchMax: cfg.batch.max });
}

/** Unexpected failures: the adapter's userMessage, or a reference that is in the log. Exit 1. */
function failed(command: string, what: string, e: unknown, io: CliIo, logger: Logger): number {
  const ref = Math.random().toString(16).slice(2, 6);
  const userMessage = userMessageOf(e);
  // an error that explains itself is printed once, not again as a stack trace (LOG_LEVEL=debug shows it)
  if (userMessage === undefined) logger.error({ err: e, ref }, `${command} failed`);
  else logger.debug({ err: e, ref }, `${command} failed`);
  io.err(`vmlocks ${command}: ${userMessage ?? `could not check ${what} (ref ${ref}): ${e instanceof Error ? e.message : String(e)}`}\nNothing was changed.`);
  return 1;
}

export async function inspectCommand(cfg: BaseConfig, text: string, opts: { json: boolean }, io: CliIo, logger: Logger): Promise<number> {
  const ref = parseInstanceRef(text);
  if (!ref.ok) {
    io.err(`vmlocks inspect: ${ref.error}\nusage: vmlocks inspect <instance name or UUID> [--json]`);
    return 2;
  }
  try {
    const outcome = await (await inspectService(cfg)).inspect(ref.value, actor());
    if (opts.json) {
      const json = outcome.kind === 'report' ? toInspectJson(outcome.report, outcome.plan)
        : outcome.kind === 'not_found' ? notFoundJson(outcome.ref)
          : { verdict: 'ambiguous', candidates: outcome.candidates };
      io.out(jsonForTerminal(json));
    } else {
      io.out(formatOutcome(outcome));
    }
    return outcome.kind === 'report' ? 0 : 2;
  } catch (e) {
    return failed('inspect', text, e, io, logger);
  }
}

export async function hostCommand(cfg: BaseConfig, text: string, opts: { json: boolean }, io: CliIo, logger: Logger): Promise<number> {
  const host = parseHostName(text);
  if (!host.ok) {
    io.err(`vmlocks host: ${host.error}\nusage: vmlocks host <compute-host> [--json]`);
    return 2;
  }
  try {
    const outcome = await (await inspectService(cfg)).inspectHost(host.value, actor());
    io.out(opts.json ? jsonForTerminal(outcome.kind === 'host_report' ? hostJson(outcome.summary, outcome.batch) : { host: host.value, verdict: 'not_found' }) : formatHostOutcome(outcome));
    return outcome.kind === 'host_report' ? 0 : 2;
  } catch (e) {
    return failed('host', `host ${text}`, e, io, logger);
  }
}
