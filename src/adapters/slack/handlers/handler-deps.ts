/** What every Slack handler gets: the services, the limiter, a Web API client, logs and metrics. */
import type { RespondArguments, ViewResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { CommandLimiter } from '../../../ports.js';
import type { BatchWorkflow, FixWorkflow, InspectService } from '../../../services/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';
import type { AccessGuard } from '../access/access-guard.js';
import type { DecisionGate } from './decision-gate.js';
import type { HostScanGate } from '../../limits/host-scan-gate.js';

export interface HandlerDeps {
  logger: Logger;
  metrics: Metrics;
  inspect: InspectService;
  fixes: FixWorkflow;
  /** One request for a whole host (absent: the batch buttons answer that this vmlocks does not take batches). */
  batches?: BatchWorkflow;
  commandLimiter: CommandLimiter;
  /** One `/vmlocks host` scan per user at a time. */
  hostScans: HostScanGate;
  /** Approve/Deny clicks per user (decision-gate.ts). */
  decisions: DecisionGate;
  /** Who may see and act (DESIGN.md §5); every handler asks it before doing anything. */
  access: AccessGuard;
  /** Channels where reports are posted for everyone (incident channel, VMLOCKS_CHANNELS); elsewhere ephemeral. */
  reportChannels: ReadonlySet<string>;
  /** Our WebClient (timeout, 429 handling and metrics), for views.open, chat.getPermalink and DMs. */
  web: WebClient;
  /** The per-user command limit, for the wording of the refusal ("You have run N commands…"); unknown if absent. */
  commandLimit?: { count: number; windowMs: number };
  /** How long a modal submission may wait for the decision before the modal is closed (Slack allows 3 s). */
  viewAckDeadlineMs: number;
}

/** Bolt's respond(): posts to the interaction's response_url. Absent when Slack sent no response_url. */
export type Respond = (message: RespondArguments) => Promise<unknown>;

export interface InteractionArgs {
  body: unknown;
  ack: () => Promise<void>;
  respond?: Respond;
}

export interface ViewSubmissionArgs {
  body: unknown;
  ack: (response?: ViewResponseAction) => Promise<void>;
}
