/**
 * Builds and sends requests to a Bolt HTTP receiver signed exactly as Slack signs them
 * (docs.slack.dev "Verifying requests from Slack"): `X-Slack-Signature: v0=HMAC_SHA256(secret, "v0:" + ts + ":" + body)`
 * and `X-Slack-Request-Timestamp: ts` (seconds). Slash commands are form-encoded fields; interactions are a
 * form with one `payload` field holding JSON. Requests are prepared first and sent later, so that several can be
 * sent at the same instant (`sendTogether`).
 */
import { createHmac } from 'node:crypto';
import { request as httpRequest, type ClientRequest } from 'node:http';

export interface SignOptions {
  signingSecret: string;
  /** Seconds since the epoch; default now. Use `now - 6 * 60` for a replayed (too old) request. */
  timestampSec?: number;
  /** Sign with a wrong secret. */
  forgeSignature?: boolean;
}

export interface PreparedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

export interface SentResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function slackSignature(secret: string, timestampSec: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestampSec}:${body}`).digest('hex')}`;
}

export function prepareSlackRequest(url: string, body: string, opts: SignOptions): PreparedRequest {
  const ts = opts.timestampSec ?? Math.floor(Date.now() / 1000);
  const secret = opts.forgeSignature ? `${opts.signingSecret}-forged` : opts.signingSecret;
  return {
    url,
    body,
    headers: {
      'Content-Type': 'application/x-www-form-urlencoded',
      'X-Slack-Request-Timestamp': String(ts),
      'X-Slack-Signature': slackSignature(secret, ts, body),
    },
  };
}

export interface SlashCommandFields {
  text: string;
  userId?: string;
  userName?: string;
  channelId?: string;
  channelName?: string;
  teamId?: string;
  /** Enterprise Grid: Slack adds enterprise_id and enterprise_name. */
  enterpriseId?: string;
  responseUrl: string;
  triggerId?: string;
  command?: string;
}

/** The form fields Slack posts for a slash command. */
export function slashCommandBody(f: SlashCommandFields): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: f.teamId ?? 'T0VMLOCKS',
    team_domain: 'vmlocks-test',
    ...(f.enterpriseId ? { enterprise_id: f.enterpriseId, enterprise_name: 'Other Org' } : {}),
    channel_id: f.channelId ?? 'C0ONCALL',
    channel_name: f.channelName ?? 'oncall',
    user_id: f.userId ?? 'U01REQUEST',
    user_name: f.userName ?? 'requester',
    command: f.command ?? '/vmlocks',
    text: f.text,
    api_app_id: 'A0VMLOCKS',
    is_enterprise_install: 'false',
    response_url: f.responseUrl,
    trigger_id: f.triggerId ?? `${Date.now()}.1234.trigger`,
  }).toString();
}

/** An interaction is a form with one field, `payload`, holding the JSON. */
export function interactionBody(payload: object): string {
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

export interface BlockActionFields {
  actionId: string;
  value: string;
  userId?: string;
  channelId?: string;
  responseUrl: string;
  triggerId?: string;
  messageTs?: string;
  /** Clicks on ephemeral messages arrive without `message` (DESIGN.md §5). */
  isEphemeral?: boolean;
  /** The team of the payload and of the user (default T0VMLOCKS); another one is a foreign workspace. */
  teamId?: string;
  /** Enterprise Grid organisation of the payload (default none). */
  enterpriseId?: string;
}

/** A `block_actions` payload for a button click, shaped as Slack sends it. */
export function blockActionPayload(f: BlockActionFields): Record<string, unknown> {
  const userId = f.userId ?? 'U02APPROVE';
  const channelId = f.channelId ?? 'C0INCIDENT';
  const messageTs = f.messageTs ?? '1795996080.000100';
  const teamId = f.teamId ?? 'T0VMLOCKS';
  return {
    type: 'block_actions',
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: teamId },
    api_app_id: 'A0VMLOCKS',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: messageTs, channel_id: channelId, is_ephemeral: f.isEphemeral ?? false },
    trigger_id: f.triggerId ?? `${Date.now()}.5678.trigger`,
    team: { id: teamId, domain: 'vmlocks-test', ...(f.enterpriseId ? { enterprise_id: f.enterpriseId } : {}) },
    enterprise: f.enterpriseId ? { id: f.enterpriseId, name: 'Other Org' } : null,
    is_enterprise_install: false,
    channel: { id: channelId, name: 'incident' },
    ...(f.isEphemeral ? {} : { message: { type: 'message', ts: messageTs, text: 'vmlocks', bot_id: 'B0VMLOCKS', blocks: [] } }),
    state: { values: {} },
    response_url: f.responseUrl,
    actions: [{
      action_id: f.actionId, block_id: 'vmlocks.actions', text: { type: 'plain_text', text: 'button', emoji: true },
      value: f.value, type: 'button', action_ts: `${Date.now() / 1000}`,
    }],
  };
}

export interface ViewSubmissionFields {
  callbackId: string;
  privateMetadata: string;
  values: Record<string, Record<string, { type: string; value: string | null }>>;
  userId?: string;
}

/** A `view_submission` payload for a submitted modal. */
export function viewSubmissionPayload(f: ViewSubmissionFields): Record<string, unknown> {
  const userId = f.userId ?? 'U02APPROVE';
  return {
    type: 'view_submission',
    team: { id: 'T0VMLOCKS', domain: 'vmlocks-test' },
    user: { id: userId, username: userId.toLowerCase(), name: userId.toLowerCase(), team_id: 'T0VMLOCKS' },
    api_app_id: 'A0VMLOCKS',
    token: 'deprecated-verification-token',
    trigger_id: `${Date.now()}.9012.trigger`,
    view: {
      id: 'V00000001', team_id: 'T0VMLOCKS', type: 'modal', blocks: [], private_metadata: f.privateMetadata,
      callback_id: f.callbackId, state: { values: f.values }, hash: '1.fake', title: { type: 'plain_text', text: 'Deny fix' },
      clear_on_close: false, notify_on_close: false, root_view_id: 'V00000001', previous_view_id: null, app_id: 'A0VMLOCKS', bot_id: 'B0VMLOCKS',
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

function open(req: PreparedRequest, timeoutMs: number): { client: ClientRequest; done: Promise<SentResponse> } {
  const client = httpRequest(req.url, {
    method: 'POST',
    agent: false,
    headers: { ...req.headers, 'Content-Length': String(Buffer.byteLength(req.body)) },
    timeout: timeoutMs,
  });
  const done = new Promise<SentResponse>((resolve, reject) => {
    client.on('timeout', () => client.destroy(new Error(`no answer from ${req.url} within ${timeoutMs} ms`)));
    client.on('error', reject);
    client.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
  });
  return { client, done };
}

export async function sendSlackRequest(req: PreparedRequest, timeoutMs = 10_000): Promise<SentResponse> {
  const { client, done } = open(req, timeoutMs);
  client.end(req.body);
  return done;
}

/**
 * Sends prepared requests at the same instant: every connection is opened and its headers sent first, then all
 * bodies are written in one synchronous loop, so the server receives the complete requests together.
 */
export async function sendTogether(reqs: readonly PreparedRequest[], timeoutMs = 10_000): Promise<SentResponse[]> {
  const opened = reqs.map((r) => ({ ...open(r, timeoutMs), body: r.body }));
  await Promise.all(opened.map(({ client }) => new Promise<void>((resolve, reject) => {
    client.once('error', reject);
    client.once('socket', (socket) => {
      if (!socket.connecting) return resolve();
      socket.once('connect', () => resolve());
    });
    client.flushHeaders();
  })));
  for (const o of opened) o.client.end(o.body);
  return Promise.all(opened.map((o) => o.done));
}
