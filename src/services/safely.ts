/**
 * Slack being slow or down must never stop or undo a decision or a fix: notifications are sent without waiting
 * (the notifier queues them) or awaited with their failure logged, never thrown into the workflow.
 */
import type { Logger } from '../adapters/observability/logger.js';

/** Starts `work` and logs its failure; the caller does not wait. */
export function inBackground(logger: Logger, what: string, work: Promise<unknown>): void {
  work.catch((e: unknown) => logger.warn({ event: 'notify_failed', what, err: e }, `could not ${what}`));
}

/** Awaits `work` (to keep an order) and logs its failure instead of throwing. */
export async function safely(logger: Logger, what: string, work: Promise<unknown>): Promise<void> {
  try {
    await work;
  } catch (e) {
    logger.warn({ event: 'notify_failed', what, err: e }, `could not ${what}`);
  }
}
