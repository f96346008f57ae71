/** `vmlocks serve`'s host watch (VMLOCKS_WATCH_HOSTS), built from the configuration and the shared ports. */
import type { Logger } from './adapters/observability/logger.js';
import type { Metrics } from './adapters/observability/metrics.js';
import type { WatchConfig } from './config.js';
import type { AuditLog, Clock, HostAnnouncer, HostWatchStore, NovaPort } from './ports.js';
import { startHostWatch, type RunningHostWatch } from './services/host-watch-loop.js';
import type { InspectService } from './services/types.js';
import { createHostWatch, watchRules } from './services/watch-hosts.js';

export interface HostWatchParts {
  nova: NovaPort;
  store: HostWatchStore & AuditLog;
  announcer: HostAnnouncer;
  inspect: InspectService;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
}

/** Starts the watch, or says in the log that it is off; null when off. */
export function startHostWatchFor(cfg: WatchConfig, parts: HostWatchParts): RunningHostWatch | null {
  const { logger } = parts;
  if (!cfg.enabled) {
    logger.info({ event: 'host_watch_off' }, 'VMLOCKS_WATCH_HOSTS=off: compute hosts that go down or come back are not announced');
    return null;
  }
  const watch = createHostWatch({
    nova: parts.nova, store: parts.store, audit: parts.store, announcer: parts.announcer, clock: parts.clock, logger, metrics: parts.metrics,
    inspectHost: (host) => parts.inspect.inspectHost(host, 'system'),
    rules: watchRules(cfg.intervalMs, cfg.settleMs),
  });
  logger.info({ event: 'host_watch_started', intervalMs: cfg.intervalMs, settleMs: cfg.settleMs }, 'watching the compute hosts');
  return startHostWatch(watch, { intervalMs: cfg.intervalMs, clock: parts.clock, logger });
}
