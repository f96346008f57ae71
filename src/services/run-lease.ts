/**
 * A run is held with a lease in the database, judged by the database's clock (README "Replicas"). The runner renews
 * it every `renewEveryMs` (a third of the lease by default), and renews it once more right before each command that
 * changes something (fence, lock removal, object-map rebuild, reboot): if that renewal fails, the lease is lost and
 * the runner must not act any more. A lost lease also aborts the wait for the reboot. The rule that makes "reported
 * interrupted" safe: once its lease lapsed, a runner starts no new mutating command; the instance stays guarded
 * until the runner records its real end or an operator clears the run (vmlocks clear-run).
 */
import type { FixRequestStore, RunLease } from '../ports.js';
import type { Logger } from '../adapters/observability/logger.js';
import { describeError } from './describe-error.js';

export interface LeaseGuard {
  /** Renews the lease now; throws LeaseLost when it is lost (lapsed, taken, or the database cannot confirm it). */
  assertHeld(before: string): Promise<void>;
  /** Aborted when a renewal finds the lease lost. */
  readonly signal: AbortSignal;
  stop(): void;
}

export class LeaseLost extends Error {
  constructor(readonly requestId: string, detail: string) {
    super(`the run ${requestId} lost its lease: ${detail}`);
    this.name = 'LeaseLost';
  }
}

export function holdLease(
  deps: { store: Pick<FixRequestStore, 'renewLease'>; logger: Logger }, requestId: string, lease: RunLease, renewEveryMs = Math.max(100, Math.floor(lease.leaseMs / 3)),
  renew: (id: string, lease: RunLease) => Promise<boolean> = (id, l) => deps.store.renewLease(id, l),
): LeaseGuard {
  const lost = new AbortController();
  const markLost = (why: string): void => {
    if (lost.signal.aborted) return;
    deps.logger.warn({ event: 'lease_lost', requestId, runnerId: lease.runnerId, why }, 'the run lost its lease: it stops acting');
    lost.abort(new LeaseLost(requestId, why));
  };
  const timer = setInterval(() => {
    renew(requestId, lease).then(
      (held) => { if (!held) markLost('it lapsed or another replica reported the run interrupted'); },
      // Not lost yet: the database is unreachable for now. If this lasts, the lease lapses and assertHeld refuses.
      (e: unknown) => deps.logger.warn({ event: 'lease_renewal_failed', requestId, err: e }, 'could not renew the run lease'),
    );
  }, renewEveryMs);
  timer.unref();

  async function assertHeld(before: string): Promise<void> {
    if (lost.signal.aborted) throw new LeaseLost(requestId, `no ${before}: the lease had already lapsed`);
    let held: boolean;
    try {
      held = await renew(requestId, lease);
    } catch (e) {
      throw new LeaseLost(requestId, `no ${before}: the database could not confirm the lease (${describeError(e)})`);
    }
    if (!held) {
      markLost(`found before ${before}`);
      throw new LeaseLost(requestId, `no ${before}: the lease lapsed (another replica may report the run interrupted)`);
    }
  }

  return { assertHeld, signal: lost.signal, stop: () => clearInterval(timer) };
}
