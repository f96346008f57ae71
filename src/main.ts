/**
 * The composition root of `vmlocks serve`: configuration → adapters → services → Bolt. The only module that
 * knows every piece.
 */
import { createFixBrake, createCommandLimiter } from './adapters/limits/index.js';
import { createLogger, type Logger } from './adapters/observability/logger.js';
import { createMetrics } from './adapters/observability/metrics.js';
import { createSlackApp } from './adapters/slack/app.js';
import { createGroupMembers } from './adapters/slack/access/group-members.js';
import { createApproverDirectory } from './adapters/slack/approver-directory.js';
import { createSlackNotifier } from './adapters/slack/notifier.js';
import { createWebClient } from './adapters/slack/web-client.js';
import { openStore, redactUrl, isPostgresUrl } from './adapters/store/index.js';
import { buildPorts } from './build-ports.js';
import type { Config } from './config.js';
import { healthRoutes, startHealthServer } from './health-server.js';
import type { Clock } from './ports.js';
import { createBatchWorkflow } from './services/batch-workflow.js';
import { startBatchSweeper, reportInterruptedBatches } from './services/batch-lifecycle.js';
import { createFixWorkflow } from './services/fix-workflow.js';
import { createInspectService } from './services/inspect-instance.js';
import { reportInterruptedRuns, startExpirySweeper } from './services/request-lifecycle.js';
import { newRunnerId } from './runner-id.js';
import { startHostWatchFor } from './start-host-watch.js';

export const systemClock: Clock = { now: () => new Date() };

export interface Running {
  stop(): Promise<void>;
}

export async function serve(cfg: Config, logger: Logger = createLogger({ level: cfg.logLevel })): Promise<Running> {
  const metrics = createMetrics({ collectDefaults: true });
  const clock = systemClock;
  let ready = false;
  const store = await openStore(cfg.dbPath, { logger, clock });
  const ports = await buildPorts(cfg, metrics);
  const { ceph, nova, fixCeph, scan } = ports;
  const inspectDeps = { nova, novaPool: cfg.novaPool, cinderPools: cfg.cinderPools, clock, metrics, fenceExpiryMs: cfg.fenceExpiryMs, batchMax: cfg.batch.max };
  const single = createInspectService({ ...inspectDeps, ceph });
  // host scans go through the scan door of the Ceph and Nova queues, after single diagnoses
  const inspect = { ...single, inspectHost: createInspectService({ ...inspectDeps, ...scan }).inspectHost };
  // the run's re-inspections go through the fix door of the Ceph queue, like its commands
  const runInspect = createInspectService({ ...inspectDeps, ceph: fixCeph });

  const s = cfg.slack;
  const web = createWebClient({ token: s.SLACK_BOT_TOKEN, slackApiUrl: s.SLACK_API_URL, timeoutMs: s.VMLOCKS_SLACK_TIMEOUT, logger, metrics });
  const notifier = createSlackNotifier({
    client: web, incidentChannel: s.VMLOCKS_INCIDENT_CHANNEL, approvalsChannel: s.VMLOCKS_APPROVALS_CHANNEL,
    logger, metrics, postIntervalMs: s.VMLOCKS_SLACK_POST_INTERVAL,
    storedMessage: async (requestId) => (await store.get(requestId))?.approvalMessage ?? null,
  });
  const groupMembers = createGroupMembers(web, metrics);
  const approvers = createApproverDirectory({ client: web, approvers: s.VMLOCKS_APPROVERS, group: s.VMLOCKS_APPROVER_GROUP, logger, metrics, groupMembers });
  warnAboutAccess(cfg, logger);
  warnAboutPort(cfg, logger);
  const brake = createFixBrake({ limit: cfg.limits.fixBrake, windowMs: cfg.limits.fixBrakeWindowMs, metrics, logger });
  const lifecycle = { store, audit: store, notifier, clock, logger, metrics };
  // Runs this process starts are leased to this random id (never host/pid), renewed every third of the lease.
  const lease = { runnerId: newRunnerId(), leaseMs: cfg.runLeaseMs };
  const fixDeps = {
    ...lifecycle, approvers, brake, ceph: fixCeph, nova,
    approvalTtlMs: cfg.approvalTtlMs, rebootTimeoutMs: cfg.nova.rebootTimeoutMs, evacuateTimeoutMs: cfg.nova.evacuateTimeoutMs, fenceExpiryMs: cfg.fenceExpiryMs, inspectById: runInspect.inspectById,
    lease,
  };
  const fixes = createFixWorkflow(fixDeps);
  // A whole host: each instance through the same per-instance runner (run-fix.ts), without the per-window brake.
  const batches = createBatchWorkflow({
    ...fixDeps, store, batchNotifier: notifier, batchConcurrency: cfg.batch.concurrency,
    inspectHost: (host) => inspect.inspectHost(host, 'system'),
  });
  const batchLifecycle = { store, audit: store, batchNotifier: notifier, clock, logger };
  const commandLimiter = createCommandLimiter({ perUser: cfg.limits.userCommands, windowMs: cfg.limits.userCommandsWindowMs, metrics, logger });

  const routes = healthRoutes(metrics, { ready: () => ready });
  const slack = createSlackApp({
    mode: s.VMLOCKS_SLACK_MODE, botToken: s.SLACK_BOT_TOKEN, signingSecret: s.SLACK_SIGNING_SECRET, appToken: s.SLACK_APP_TOKEN,
    port: s.PORT, slackApiUrl: s.SLACK_API_URL, logger, metrics, inspect, fixes, batches, commandLimiter,
    access: {
      policy: { operators: s.VMLOCKS_OPERATORS, operatorGroup: s.VMLOCKS_OPERATOR_GROUP }, approvers, groupMembers,
      reportChannels: [s.VMLOCKS_INCIDENT_CHANNEL, ...s.VMLOCKS_CHANNELS],
    },
    timeoutMs: s.VMLOCKS_SLACK_TIMEOUT, client: web, commandLimit: { count: cfg.limits.userCommands, windowMs: cfg.limits.userCommandsWindowMs },
  });
  // Probes get /healthz (and /readyz "starting") while the rest starts; /slack/events alone is on PORT.
  const health = await startHealthServer(cfg.metricsListener, routes);
  try {
    await slack.start();
  } catch (e) {
    await health.close();
    throw e;
  }

  // A run that was going when the last process died is reported, never resumed; overdue requests expire.
  await reportInterruptedRuns(lifecycle);
  await reportInterruptedBatches(batchLifecycle);
  const sweeper = startExpirySweeper(lifecycle, cfg.approvalTtlMs, cfg.runLeaseMs);
  await sweeper.sweep();
  const batchSweeper = startBatchSweeper(batchLifecycle, cfg.approvalTtlMs, cfg.runLeaseMs);
  await batchSweeper.sweep();
  const hostWatch = startHostWatchFor(cfg.watch, { nova, store, announcer: notifier, inspect, clock, logger, metrics });
  ready = true;
  logger.info({
    event: 'started', mode: s.VMLOCKS_SLACK_MODE, ...(s.VMLOCKS_SLACK_MODE === 'http' ? { port: slack.port() ?? s.PORT } : {}),
    metrics: { host: cfg.metricsListener.host, port: health.port }, db: isPostgresUrl(cfg.dbPath) ? redactUrl(cfg.dbPath) : cfg.dbPath, runnerId: lease.runnerId,
  }, 'vmlocks is running');

  return {
    async stop() {
      ready = false;
      sweeper.stop();
      batchSweeper.stop();
      await hostWatch?.stop();
      await slack.stop();
      await health.close();
      await batches.idle();
      await fixes.idle();
      await notifier.stop();
      await ports.close();
      await store.close();
    },
  };
}

/** Says at start who may approve and who may use vmlocks (DESIGN.md §5). */
function warnAboutAccess(cfg: Config, logger: Logger): void {
  const s = cfg.slack;
  if (s.VMLOCKS_APPROVERS.length === 0 && s.VMLOCKS_APPROVER_GROUP === undefined) {
    logger.warn({ event: 'no_approvers' }, 'neither VMLOCKS_APPROVERS nor VMLOCKS_APPROVER_GROUP is set: nobody can approve a fix');
  }
  if (s.VMLOCKS_OPERATORS.length === 0 && s.VMLOCKS_OPERATOR_GROUP === undefined) {
    logger.warn({ event: 'approvers_only' }, 'neither VMLOCKS_OPERATORS nor VMLOCKS_OPERATOR_GROUP is set: only the approvers may use /vmlocks and request fixes');
  }
}

/** Socket Mode used to serve /healthz, /readyz and /metrics on PORT: they stay there until METRICS_PORT is set. */
function warnAboutPort(cfg: Config, logger: Logger): void {
  if (cfg.metricsListener.onLegacyPort) {
    logger.warn(
      { event: 'port_deprecated', port: cfg.slack.PORT },
      `/healthz, /readyz and /metrics are on PORT (${cfg.slack.PORT}) as before, because METRICS_PORT is not set; PORT for them is deprecated: set METRICS_PORT=${cfg.slack.PORT} (or another port) to keep this without the warning`,
    );
  }
}
