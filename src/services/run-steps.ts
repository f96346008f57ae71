/**
 * The bookkeeping around each step of a fix run: the step row in the store, `lastStep` (so that a crash is
 * reported with the step it reached), the audit of every command and HTTP request, and the progress shown in
 * Slack. The steps themselves are in run-fix.ts.
 */
import type { StepName } from '../core/fix-plan-types.js';
import type { FixRequest } from '../core/fix-request.js';
import type { AuditLog, Clock, CommandRecord, FixRequestStore, FixRunStep, HttpRecord, Notifier } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import { describeError } from './describe-error.js';
import type { LeaseGuard } from './run-lease.js';
import { inBackground } from './safely.js';

export interface StepDeps {
  store: FixRequestStore;
  audit: AuditLog;
  notifier: Notifier;
  clock: Clock;
  logger: Logger;
}

export interface StepResult {
  status: 'ok' | 'skipped';
  detail: string;
}

/** A step failed: the run stops here. `abort` means nothing was changed (re-inspection disagreed). */
export class RunStopped extends Error {
  constructor(readonly step: StepName, readonly detail: string, readonly abort: boolean) {
    super(`${step}: ${detail}`);
    this.name = 'RunStopped';
  }
}

/** Pulls the argv/exit code/stderr of a failed command out of an adapter error, when it carries them. */
function commandOfError(e: unknown, durationMs: number): CommandRecord | undefined {
  if (!(e instanceof Error)) return undefined;
  const argv: unknown = Reflect.get(e, 'argv');
  if (!Array.isArray(argv)) return undefined;
  const exitCode: unknown = Reflect.get(e, 'exitCode');
  const stderr: unknown = Reflect.get(e, 'stderr');
  return {
    argv: argv.map(String), exitCode: typeof exitCode === 'number' ? exitCode : -1, durationMs,
    stdoutExcerpt: '', stderrExcerpt: typeof stderr === 'string' ? stderr.slice(0, 2000) : describeError(e),
  };
}

/**
 * The request as the approval message should show it: with the message reference stored now (an Approve clicked
 * before the reference was stored starts a run whose copy of the request has none).
 */
export async function withStoredMessage(store: FixRequestStore, request: FixRequest): Promise<FixRequest> {
  if (request.approvalMessage !== null) return request;
  try {
    return { ...request, approvalMessage: (await store.get(request.id))?.approvalMessage ?? null };
  } catch {
    return request;
  }
}

export class StepRunner {
  private seq = 0;
  readonly steps: FixRunStep[] = [];
  /** The step in progress (or the last one started): where an error outside a step's own work belongs. */
  current: StepName | null = null;
  /** Whether a command or request that changes something was sent (fence, break, repair, restart). */
  changedAnything = false;

  /** `lease`: checked (renewed) before every audited command, which are the ones that change something. */
  constructor(private readonly deps: StepDeps, private readonly request: FixRequest, private readonly lease?: LeaseGuard) {}

  /** The lease's signal, to abort a long wait once the lease is lost (spread into the wait's options). */
  leaseSignal(): { signal?: AbortSignal } {
    return this.lease ? { signal: this.lease.signal } : {};
  }

  /** Throws RunStopped at `step` when the lease was lost (a wait it aborted ends here, not as a timeout). */
  assertLeaseNotLost(step: StepName): void {
    if (this.lease?.signal.aborted) throw new RunStopped(step, describeError(this.lease.signal.reason), false);
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /**
   * Runs and audits one command (argv verbatim) or HTTP request that changes something, after checking that this
   * runner still holds the run's lease; on failure audits what the error tells, then rethrows.
   */
  async audited<T extends CommandRecord | HttpRecord>(step: StepName, work: () => Promise<T>): Promise<T> {
    try {
      await this.lease?.assertHeld(`${step} command`);
    } catch (e) {
      throw new RunStopped(step, describeError(e), false);
    }
    const started = this.deps.clock.now().getTime();
    const base = { actor: 'system', instanceId: this.request.instanceId, requestId: this.request.id };
    this.changedAnything = true;
    try {
      const record = await work();
      const rec: CommandRecord | HttpRecord = record;
      const entry = 'argv' in rec
        ? { ...base, at: this.now(), action: 'command', detail: `${step}: exit ${rec.exitCode}`, command: rec }
        : { ...base, at: this.now(), action: 'http', detail: `${step}: HTTP ${rec.status}`, http: rec };
      await this.deps.audit.append(entry);
      return record;
    } catch (e) {
      const command = commandOfError(e, this.deps.clock.now().getTime() - started);
      await this.deps.audit.append({ ...base, at: this.now(), action: command ? 'command' : 'error', detail: `${step} failed: ${describeError(e)}`, ...(command ? { command } : {}) });
      throw e;
    }
  }

  /** Runs one step: records it, times it, reports it. A thrown error stops the run. */
  async run(step: StepName, work: () => Promise<StepResult>): Promise<void> {
    this.current = step;
    const seq = ++this.seq;
    const startedAt = this.now();
    const t0 = this.deps.clock.now().getTime();
    // The store writes around the work are part of the step: their failure stops the run at this step.
    try {
      await this.deps.store.update(this.request.id, { lastStep: step });
      await this.deps.store.recordStep({ requestId: this.request.id, seq, step, status: 'started', startedAt, finishedAt: null, detail: '' });
    } catch (e) {
      throw new RunStopped(step, `could not record the start of the step, so it was not run: ${describeError(e)}`, false);
    }
    let row: FixRunStep;
    try {
      const result = await work();
      row = { requestId: this.request.id, seq, step, status: result.status, startedAt, finishedAt: this.now(), detail: result.detail };
    } catch (e) {
      const stopped = e instanceof RunStopped ? e : new RunStopped(step, describeError(e), false);
      row = { requestId: this.request.id, seq, step, status: 'failed', startedAt, finishedAt: this.now(), detail: stopped.detail };
      try {
        await this.finishStep(row, t0);
      } catch (recordError) {
        this.deps.logger.error({ event: 'step_record_failed', requestId: this.request.id, step, err: recordError }, 'could not record the failed step');
      }
      throw stopped;
    }
    try {
      await this.finishStep(row, t0);
    } catch (e) {
      throw new RunStopped(step, `the step ended (${row.status}: ${row.detail}) but could not be recorded: ${describeError(e)}`, false);
    }
  }

  private async finishStep(row: FixRunStep, t0: number): Promise<void> {
    const durationMs = this.deps.clock.now().getTime() - t0;
    await this.deps.store.recordStep(row);
    this.steps.push(row);
    await this.deps.audit.append({
      at: this.now(), actor: 'system', action: 'step', instanceId: this.request.instanceId, requestId: this.request.id,
      detail: `${row.step} ${row.status} in ${durationMs} ms: ${row.detail}`,
    });
    this.deps.logger.info({ event: 'fix_step', requestId: this.request.id, step: row.step, status: row.status, durationMs }, row.detail);
    // Slack posts and updates go through the notifier's one serial queue (about one a second), in order, so a late
    // progress update never overwrites a newer one; the run does not wait for them.
    if (row.status !== 'started') {
      inBackground(this.deps.logger, 'post the step', this.deps.notifier.notify({ kind: 'step', request: this.request, step: row.step, status: row.status, detail: row.detail, durationMs }));
    }
    const shown = await withStoredMessage(this.deps.store, { ...this.request, state: 'running', lastStep: row.step });
    inBackground(this.deps.logger, 'update the approval message', this.deps.notifier.updateApprovalMessage(shown, [...this.steps]));
  }
}
