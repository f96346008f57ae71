/**
 * Runs the real bot (`node dist/cli.js serve`, built by the lab global set-up) as a child process, in Bolt's
 * HTTP mode on a free port, against the real labs and a fake Slack Web API. Tests then talk to it as Slack does
 * (signed HTTP requests) and read its SQLite file and JSON logs: Goldberg's five outcomes. With `socketMode` it runs
 * in Socket Mode instead (the default of `npm start`): Slack's side is then a FakeSocketMode attached to the fake Web
 * API, and PORT is not used. /healthz, /readyz and /metrics are on their own port (METRICS_PORT) in both modes.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cephLab } from './ceph-lab.js';
import { CLOUDS, novaLabDir } from './nova-lab.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
export const SIGNING_SECRET = 'e2e-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-test-token';
export const INCIDENT_CHANNEL = 'C0INCIDENT1';
/** Users of the end-to-end tests: three approvers, one engineer (operator) who is not an approver. */
export const USERS = { alice: 'U0ALICE001', bob: 'U0BOB00002', carol: 'U0CAROL003', mallory: 'U0MALLORY4' } as const;

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** The environment of a bot that uses the labs as the least-privilege users (client.vmlocks, the vmlocks user). */
export function labEnv(): Record<string, string> {
  const ceph = cephLab();
  const novaDir = novaLabDir();
  return {
    CEPH_CONF: ceph.conf,
    CEPH_ID: 'vmlocks',
    CEPH_KEYRING: ceph.keyringFor('vmlocks'),
    OS_CLIENT_CONFIG_FILE: path.join(novaDir, 'clouds.yaml'),
    OS_CLOUD: CLOUDS.bot,
  };
}

export interface BotOptions {
  slackApiUrl: string;
  /** Reuse a database (restart tests); default a new file in a temp dir. */
  dbPath?: string;
  env?: Record<string, string>;
  /** Run in Socket Mode with this app-level token (SLACK_APP_TOKEN) instead of http mode. */
  socketMode?: { appToken: string };
}

export interface BotProcess {
  baseUrl: string;
  /** http://127.0.0.1:METRICS_PORT: /healthz, /readyz, /metrics. */
  metricsUrl: string;
  eventsUrl: string;
  dbPath: string;
  pid: number;
  /** Parsed JSON log lines so far. */
  logs(): Array<Record<string, unknown>>;
  waitForLog(what: string, match: (line: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then wait for a clean exit. */
  stop(): Promise<void>;
  /** SIGKILL: the process dies where it stands. */
  kill(): Promise<void>;
  /** How the process ended, null while it runs. */
  exit(): { exitCode: number | undefined; signal: string | undefined } | null;
}

export function tempDbPath(): string {
  return path.join(mkdtempSync(path.join(tmpdir(), 'vmlocks-e2e-')), 'vmlocks.db');
}

export async function startBot(opts: BotOptions): Promise<BotProcess> {
  const port = await freePort();
  const metricsPort = await freePort();
  const dbPath = opts.dbPath ?? tempDbPath();
  const env = {
    ...labEnv(),
    VMLOCKS_SLACK_MODE: opts.socketMode ? 'socket' : 'http', ...(opts.socketMode ? { SLACK_APP_TOKEN: opts.socketMode.appToken } : {}), PORT: String(port), SLACK_API_URL: opts.slackApiUrl,
    METRICS_PORT: String(metricsPort), METRICS_HOST: '127.0.0.1',
    SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET,
    VMLOCKS_INCIDENT_CHANNEL: INCIDENT_CHANNEL, VMLOCKS_APPROVERS: `${USERS.alice},${USERS.bob},${USERS.carol}`,
    // mallory is an engineer (an operator) who is not an approver
    VMLOCKS_OPERATORS: USERS.mallory,
    // the on-call channels the tests type commands in: reports are posted there for everyone
    VMLOCKS_CHANNELS: 'C0ONCALL,C0ONCALL01',
    VMLOCKS_DB: dbPath, LOG_LEVEL: 'debug', VMLOCKS_SLACK_POST_INTERVAL: '50ms',
    // off unless a test turns it on: tests that stop a compute count the incident channel's posts
    VMLOCKS_WATCH_HOSTS: 'off',
    ...opts.env,
  };
  const child: ResultPromise = execa('node', [CLI, 'serve'], { env, extendEnv: true, reject: false, stdin: 'ignore', buffer: false });
  const lines: Array<Record<string, unknown>> = [];
  const raw: string[] = [];
  let pending = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const p of parts) {
      raw.push(p);
      try { lines.push(JSON.parse(p) as Record<string, unknown>); } catch { /* not JSON: kept in raw */ }
    }
  });
  const stderr: string[] = [];
  child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString('utf8')));
  let ended: { exitCode: number | undefined; signal: string | undefined } | null = null;
  const exited = child.then((r) => { ended = { exitCode: r.exitCode, signal: r.signal }; return r; });

  const baseUrl = `http://127.0.0.1:${port}`;
  const metricsUrl = `http://127.0.0.1:${metricsPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const done = await Promise.race([exited.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 100))]);
    if (done) throw new Error(`the bot exited during start-up:\n${stderr.join('')}\n${raw.slice(-20).join('\n')}`);
    const ok = await fetch(`${metricsUrl}/readyz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`the bot did not become ready in 60 s:\n${stderr.join('')}\n${raw.slice(-20).join('\n')}`);
  }

  const bot: BotProcess = {
    baseUrl, metricsUrl, eventsUrl: `${baseUrl}/slack/events`, dbPath, pid: child.pid ?? -1,
    logs: () => [...lines],
    async waitForLog(what, match, timeoutMs = 30_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const found = lines.find(match);
        if (found) return found;
        if (Date.now() > end) throw new Error(`no log line ${what} within ${timeoutMs} ms; last lines:\n${raw.slice(-15).join('\n')}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
    exit: () => ended,
  };
  return bot;
}
