/**
 * Thrown when a report asks for a fix that could hurt a live client: fencing an address with nonce 0
 * (it would blocklist every client of the IP), or fencing/breaking a lock whose owner still watches a disk.
 * analyseLocks() never produces such a report; this guards reports built or stored elsewhere.
 */
export class UnsafePlanError extends Error {
  readonly code = 'unsafe_plan' as const;
  /** What the user sees: what was refused and what to do. */
  readonly userMessage: string;

  constructor(reason: string, options?: { cause?: unknown }) {
    super(`refusing to build the fix plan: ${reason}`, options);
    this.name = 'UnsafePlanError';
    this.userMessage = `vmlocks refused to build this fix: ${reason}. Nothing was changed; check the host and remove the lock by hand.`;
  }
}
