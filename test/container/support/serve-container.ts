/**
 * `vmlocks serve` in the image, in Bolt's http mode on a free port of the host (`--network host`), with its
 * database in a podman volume, against the labs and the fake Slack Web API running on the host. Slack's side is
 * played as in the end-to-end tests: signed slash commands in, the answer read from the fake `response_url`.
 */
import { randomUUID } from 'node:crypto';
import { BOT_TOKEN, freePort, INCIDENT_CHANNEL, SIGNING_SECRET, USERS } from '../../support/bot-process.js';
import { startFakeSlackApi } from '../../support/fake-slack-api.js';
import { prepareSlackRequest, sendSlackRequest, slashCommandBody } from '../../support/sign-slack-request.js';
import { blocksTextOf, messageTextOf } from '../../e2e/support/diagnosis-slack.js';
import { IMAGE, operatorRunOptions, podman, uniqueContainerName } from './podman.js';

export interface ServeContainer {
  name: string;
  /** PORT: /slack/events. */
  baseUrl: string;
  /** METRICS_PORT: /healthz, /readyz, /metrics (the image's METRICS_HOST=0.0.0.0). */
  metricsUrl: string;
  /** `/vmlocks <text>`, signed; resolves with the final answer's text and blocks. */
  ask(text: string): Promise<string>;
  /** Stops and removes the container and its volume, and closes the fake Slack API. */
  stop(): Promise<void>;
}

export async function startServeContainer(): Promise<ServeContainer> {
  const slack = await startFakeSlackApi();
  const port = await freePort();
  const metricsPort = await freePort();
  const name = uniqueContainerName('serve');
  const volume = `${name}-data`;
  const { args, env } = await operatorRunOptions();
  const serveEnv: Record<string, string> = {
    ...env,
    VMLOCKS_SLACK_MODE: 'http', PORT: String(port), METRICS_PORT: String(metricsPort), SLACK_API_URL: slack.apiUrl,
    SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, VMLOCKS_INCIDENT_CHANNEL: INCIDENT_CHANNEL,
    VMLOCKS_APPROVERS: `${USERS.alice},${USERS.bob}`, LOG_LEVEL: 'info',
  };
  const extra = Object.keys(serveEnv).filter((k) => !(k in env)).flatMap((k) => ['--env', k]);
  const started = await podman(['run', '--detach', '--name', name, '--volume', `${volume}:/data`, ...args, ...extra, IMAGE], serveEnv);
  const cleanup = async (): Promise<void> => {
    await podman(['rm', '--force', '--time', '10', name]);
    await podman(['volume', 'rm', '--force', volume]);
    await slack.close();
  };
  if (started.exitCode !== 0) {
    await cleanup();
    throw new Error(`podman run ${IMAGE} (serve) failed: ${started.stderr}`);
  }
  const baseUrl = `http://127.0.0.1:${port}`;
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (await fetch(`${metricsUrl}/readyz`, { signal: AbortSignal.timeout(2_000) }).then((r) => r.ok, () => false)) break;
    const state = await podman(['inspect', '--format', '{{.State.Running}}', name]);
    if (state.stdout.trim() !== 'true' || Date.now() > deadline) {
      const logs = await podman(['logs', '--tail', '40', name]);
      await cleanup();
      throw new Error(`the container did not become ready (running: ${state.stdout.trim()}):\n${logs.stdout}\n${logs.stderr}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    name, baseUrl, metricsUrl,
    async ask(text) {
      const id = `container-${randomUUID()}`;
      const body = slashCommandBody({ text, userId: USERS.alice, responseUrl: slack.responseUrl(id) });
      const ack = await sendSlackRequest(prepareSlackRequest(`${baseUrl}/slack/events`, body, { signingSecret: SIGNING_SECRET }));
      if (ack.status !== 200) throw new Error(`/vmlocks ${text}: HTTP ${ack.status} ${ack.body}`);
      const answer = await slack.waitForResponse((r) => r.id === id && !/^:mag: Checking /.test(messageTextOf(r.body)), 60_000);
      return `${messageTextOf(answer.body)}\n${blocksTextOf(answer.body)}`;
    },
    stop: cleanup,
  };
}
