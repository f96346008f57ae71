/**
 * The Bolt app: Socket Mode by default (no public URL needed), or Bolt's HTTP receiver on `/slack/events` (and
 * nothing else: /healthz, /readyz and /metrics have their own listener, health-server.ts).
 * Web API calls go to `slackApiUrl` (GovSlack, tests) with a timeout; listeners are the handlers/ files.
 */
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type { RetryOptions, WebClient } from '@slack/web-api';
import type { ApproverDirectory, CommandLimiter } from '../../ports.js';
import type { BatchWorkflow, FixWorkflow, InspectService } from '../../services/types.js';
import type { Logger } from '../observability/logger.js';
import type { Metrics } from '../observability/metrics.js';
import { createAccessGuard, type OperatorPolicy } from './access/access-guard.js';
import { createGroupMembers, type GroupMembers } from './access/group-members.js';
import { readInstallation } from './access/installation.js';
import { createUserFactsReader } from './access/user-facts.js';
import { createCommandLimiter } from '../limits/command-limiter.js';
import { createHostScanGate } from '../limits/host-scan-gate.js';
import { toSlackLogger } from './bolt-logger.js';
import { createDecisionGate } from './handlers/decision-gate.js';
import { fetchWithTimeout } from './fetch-with-timeout.js';
import { createHardenedHttpReceiver } from './http-receiver.js';
import { registerHandlers } from './handlers/register-handlers.js';
import { createWebClient, DEFAULT_RETRY, normaliseSlackApiUrl } from './web-client.js';

/** Bolt's HTTP route for commands and interactions; the manifest's request URLs point here. */
export const SLACK_EVENTS_PATH = '/slack/events';

export interface SlackAppOptions {
  mode: 'socket' | 'http';
  botToken: string;
  signingSecret: string;
  /** xapp- token, required in socket mode. */
  appToken?: string;
  /** http mode: port (0 = any free port) and address to listen on. */
  port?: number;
  host?: string;
  slackApiUrl?: string;
  logger: Logger;
  metrics: Metrics;
  inspect: InspectService;
  fixes: FixWorkflow;
  batches?: BatchWorkflow;
  commandLimiter: CommandLimiter;
  /** Who may see and act (DESIGN.md §5). */
  access: SlackAccessOptions;
  /** Approve/Deny clicks per user; default 5 per 10 s. */
  decisionLimiter?: CommandLimiter;
  /** Timeout of every Web API call and response_url post. */
  timeoutMs: number;
  /** The WebClient handlers use (share the Notifier's); default one made with createWebClient. */
  client?: WebClient;
  /** The per-user command limit, for the wording of the refusal. */
  commandLimit?: { count: number; windowMs: number };
  /** How long a deny submission waits for the decision before closing the modal (< Slack's 3 s). Default 2000. */
  viewAckDeadlineMs?: number;
  retryConfig?: RetryOptions;
}

export interface SlackAccessOptions {
  policy: OperatorPolicy;
  approvers: ApproverDirectory;
  /** Channels where reports are posted for everyone: the incident channel and VMLOCKS_CHANNELS. */
  reportChannels: readonly string[];
  /** Share the approver directory's group reader; default one of its own. */
  groupMembers?: GroupMembers;
}

export interface SlackApp {
  app: App;
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The port the HTTP receiver listens on (http mode, once started). */
  port(): number | null;
}

function createReceiver(opts: SlackAppOptions, logger: ReturnType<typeof toSlackLogger>, slackApiUrl: string | undefined): HTTPReceiver | SocketModeReceiver {
  if (opts.mode === 'http') {
    return createHardenedHttpReceiver({ signingSecret: opts.signingSecret, endpoints: SLACK_EVENTS_PATH, logger, appLogger: opts.logger });
  }
  if (!opts.appToken) throw new Error('Socket Mode needs an app-level token (xapp-…, scope connections:write): set SLACK_APP_TOKEN, or use http mode');
  return new SocketModeReceiver({
    appToken: opts.appToken,
    logger,
    installerOptions: { clientOptions: { ...(slackApiUrl ? { slackApiUrl } : {}), timeout: opts.timeoutMs } },
  });
}

export function createSlackApp(opts: SlackAppOptions): SlackApp {
  const slackApiUrl = normaliseSlackApiUrl(opts.slackApiUrl);
  const boltLogger = toSlackLogger(opts.logger, 'bolt');
  const receiver = createReceiver(opts, boltLogger, slackApiUrl);
  const app = new App({
    token: opts.botToken,
    receiver: receiver satisfies Receiver,
    logger: boltLogger,
    // auth.test runs in start(), where a bad token fails the start instead of an unhandled rejection.
    deferInitialization: true,
    clientOptions: {
      ...(slackApiUrl ? { slackApiUrl } : {}),
      timeout: opts.timeoutMs,
      retryConfig: opts.retryConfig ?? DEFAULT_RETRY,
      fetch: fetchWithTimeout(opts.timeoutMs),
    },
  });
  const web = opts.client ?? createWebClient({
    token: opts.botToken, timeoutMs: opts.timeoutMs, logger: opts.logger, metrics: opts.metrics,
    ...(slackApiUrl ? { slackApiUrl } : {}), ...(opts.retryConfig ? { retryConfig: opts.retryConfig } : {}),
  });
  const access = createAccessGuard({
    policy: opts.access.policy, approvers: opts.access.approvers,
    groupMembers: opts.access.groupMembers ?? createGroupMembers(web, opts.metrics),
    userFacts: createUserFactsReader(web, { metrics: opts.metrics }), logger: opts.logger, metrics: opts.metrics,
  });
  registerHandlers(app, {
    logger: opts.logger, metrics: opts.metrics, inspect: opts.inspect, fixes: opts.fixes, commandLimiter: opts.commandLimiter, web,
    access, reportChannels: new Set(opts.access.reportChannels),
    ...(opts.batches ? { batches: opts.batches } : {}),
    hostScans: createHostScanGate(opts.metrics),
    decisions: createDecisionGate(opts.decisionLimiter ?? createCommandLimiter({
      perUser: 5, windowMs: 10_000, metrics: opts.metrics, logger: opts.logger, limitName: 'user_decisions',
    })),
    viewAckDeadlineMs: opts.viewAckDeadlineMs ?? 2000,
    ...(opts.commandLimit === undefined ? {} : { commandLimit: opts.commandLimit }),
  });
  app.error(async (error) => {
    opts.logger.error({ err: error }, 'unhandled error in a Slack listener');
  });

  let port: number | null = null;
  return {
    app,
    port: () => port,
    async start() {
      await app.init();
      // Payloads of any other team or enterprise are refused: know which ones are ours before listening.
      access.setInstallation(await readInstallation(web, opts.metrics));
      if (receiver instanceof HTTPReceiver) {
        const server = await receiver.start({ port: opts.port ?? 3000, ...(opts.host ? { host: opts.host } : {}) });
        const address = server.address();
        port = typeof address === 'object' && address !== null ? address.port : null;
        opts.logger.info({ mode: 'http', port, path: SLACK_EVENTS_PATH }, 'Slack app listening');
      } else {
        await receiver.start();
        opts.logger.info({ mode: 'socket' }, 'Slack app connected (Socket Mode)');
      }
    },
    async stop() {
      await receiver.stop();
      port = null;
    },
  };
}
