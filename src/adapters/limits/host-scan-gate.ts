/**
 * One host scan per user at a time (issue 11): `/vmlocks host` costs one command token but inspects every instance
 * of the host, so a user with a burst of them could fill the Ceph queue for everyone. A second scan while the first
 * runs is refused with what is running; scans of different users run side by side (below single diagnoses in the
 * Ceph and Nova queues: port-scheduler.ts).
 */
import type { Metrics } from '../observability/metrics.js';

export interface HostScanGate {
  /** A release function when the user may start a scan of `host`; otherwise the host of their running scan. */
  tryStart(user: string, host: string): { started: true; release: () => void } | { started: false; running: string };
}

export function createHostScanGate(metrics?: Metrics): HostScanGate {
  const running = new Map<string, string>();
  return {
    tryStart(user, host) {
      const current = running.get(user);
      if (current !== undefined) {
        metrics?.limitHits.inc({ limit: 'host_scan' });
        return { started: false, running: current };
      }
      running.set(user, host);
      let released = false;
      return {
        started: true,
        release: () => {
          if (released) return;
          released = true;
          running.delete(user);
        },
      };
    },
  };
}
