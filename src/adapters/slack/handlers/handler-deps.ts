/** What every Slack handler gets: the services, the limiter, a Web API client, logs and metrics. */
import type { RespondArguments, ViewResponseAction } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { CommandLimiter } from '../../../ports.js';
import type { FixWorkflow, InspectService } from '../../../services/types.js';
import type { Logger } from '../../observability/logger.js';
import type { Metrics } from '../../observability/metrics.js';

export interface HandlerDeps {
  logger: Logger;
  metrics: Metrics;
  inspect: InspectService;
  fixes: FixWorkflow;
  commandLimiter: CommandLimiter;
  /** Our WebClient (timeout, 429 handling and metrics), for views.open, chat.getPermalink and DMs. */
  web: WebClient;
  /** The per-user limit, for the rate-limit message ("You have run N commands…"); unknown if absent. */
  /** The per-user command limit, for the wording of the refusal. */
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
