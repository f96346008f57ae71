/**
 * The configuration: one zod schema over the environment (DESIGN.md §6). The only reader of process.env is the
 * caller that passes it in. Errors name the variable and say what is expected.
 */
import { z } from 'zod';
import { parseDuration } from './core/duration.js';
import { branded } from './core/branded-schema.js';
import { parsePoolName, type PoolName } from './core/ids.js';
import { err, ok, type Result } from './core/result.js';

const optionalText = z.string().trim().transform((s) => (s === '' ? undefined : s)).optional();

function duration(defaultValue: string) {
  return z.string().trim().default(defaultValue).transform((text, ctx) => {
    const r = parseDuration(text);
    if (!r.ok) {
      ctx.addIssue({ code: 'custom', message: `${r.error} (for example 15m, 90s, 500ms)` });
      return z.NEVER;
    }
    return r.value;
  });
}

function positiveInt(defaultValue: number) {
  return z.coerce.number({ message: 'expected a whole number' }).int('expected a whole number').positive('expected a number above 0').default(defaultValue);
}

const pool = z.string().trim().pipe(branded(parsePoolName));

const portNumber = z.coerce.number({ message: 'expected a port number' }).int('expected a port number').min(0, 'expected a port number (0-65535)').max(65535, 'expected a port number (0-65535)');

const pools = z.string().default('volumes').transform((text, ctx): PoolName[] => {
  const out: PoolName[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    const r = parsePoolName(part);
    if (r.ok) out.push(r.value);
    else ctx.addIssue({ code: 'custom', message: r.error });
  }
  return out;
});

const idList = (pattern: RegExp, what: string) =>
  z.string().default('').transform((text, ctx) => {
    const ids = text.split(/[\s,]+/).filter((s) => s !== '');
    for (const id of ids) if (!pattern.test(id)) ctx.addIssue({ code: 'custom', message: `"${id}" is not a Slack ${what} id` });
    return ids;
  });

/** Everything but the Slack credentials, which only `serve` needs. */
const BaseEnv = z.object({
  VMLOCKS_NOVA_POOL: pool.default('vms' as PoolName),
  VMLOCKS_CINDER_POOLS: pools,
  VMLOCKS_DB: z.string().trim().min(1).default('./vmlocks.db'),
  VMLOCKS_APPROVAL_TTL: duration('15m'),
  // How long a run's lease lasts without renewal (renewed every third of it): a replica that dies mid-run is reported
  // interrupted by another within about 1.3 of this.
  VMLOCKS_RUN_LEASE: duration('30s').refine((ms) => ms >= 1_000, 'expected at least 1s (e.g. 30s)'),
  CEPH_CONF: optionalText,
  // `--id` takes the id without the type: `--id vmlocks` is client.vmlocks (`--id client.vmlocks` would be client.client.vmlocks)
  CEPH_ID: z.string().trim().regex(/^(?!client\.)[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a CephX user id without "client.", e.g. vmlocks').optional(),
  CEPH_KEYRING: optionalText,
  VMLOCKS_CEPH_TIMEOUT: duration('10s'),
  VMLOCKS_CEPH_READS: z.enum(['librados', 'cli'], { message: 'expected librados (one long-lived connection, the default) or cli (one rbd/ceph process per read)' }).default('librados'),
  VMLOCKS_NOVA_TIMEOUT: duration('10s'),
  VMLOCKS_REBOOT_TIMEOUT: duration('5m'),
  // explicit expiry of the fence (`ceph osd blocklist add <addr> <seconds>`); Ceph's own default is 1 h
  VMLOCKS_FENCE_EXPIRY: duration('7d').refine((ms) => ms >= 1000, 'expected at least 1s (for example 7d, 48h)'),
  VMLOCKS_EVACUATE_TIMEOUT: duration('10m'),
  VMLOCKS_CEPH_CONCURRENCY: positiveInt(4),
  VMLOCKS_CEPH_MIN_TIME: duration('0ms'),
  VMLOCKS_NOVA_CONCURRENCY: positiveInt(8),
  VMLOCKS_NOVA_MIN_TIME: duration('0ms'),
  // Calls that may wait in front of Ceph / Nova; past it diagnoses are answered "busy, try again in N s".
  VMLOCKS_CEPH_MAX_QUEUED: positiveInt(500),
  VMLOCKS_NOVA_MAX_QUEUED: positiveInt(500),
  VMLOCKS_USER_COMMANDS: positiveInt(10),
  VMLOCKS_USER_COMMANDS_WINDOW: duration('1m'),
  VMLOCKS_FIX_BRAKE: positiveInt(10),
  VMLOCKS_FIX_BRAKE_WINDOW: duration('10m'),
  VMLOCKS_BATCH_MAX: positiveInt(50),
  VMLOCKS_BATCH_CONCURRENCY: positiveInt(4),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

/** Socket Mode (the default) needs the app-level token; checked on its own so that it is reported with the rest. */
const SlackModeEnv = z.object({
  VMLOCKS_SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
  SLACK_APP_TOKEN: z.string().trim().regex(/^xapp-/, 'expected an app-level token starting with xapp- with the connections:write scope (see manifest.yml)').optional(),
}).refine((e) => e.VMLOCKS_SLACK_MODE === 'http' || e.SLACK_APP_TOKEN !== undefined, {
  path: ['SLACK_APP_TOKEN'], message: 'required in Socket Mode (the default): an app-level token xapp-… with connections:write (see manifest.yml), or set VMLOCKS_SLACK_MODE=http',
});

/** `on`/`off`, also true/false, yes/no, 1/0 (any case). */
function onOff(defaultValue: 'on' | 'off') {
  return z.string().trim().toLowerCase().default(defaultValue).transform((text, ctx) => {
    if (['on', 'true', 'yes', '1'].includes(text)) return true;
    if (['off', 'false', 'no', '0'].includes(text)) return false;
    ctx.addIssue({ code: 'custom', message: `expected on or off (or true/false, 1/0), got "${text}"` });
    return z.NEVER;
  });
}

/** The host watch (`serve` only): announce compute hosts that go down or come back. */
const WatchEnv = z.object({
  VMLOCKS_WATCH_HOSTS: onOff('on'),
  VMLOCKS_WATCH_INTERVAL: duration('30s').refine((v) => v >= 1000, 'expected at least 1s: each poll is a request to Nova'),
  // osd_client_watch_timeout (30 s by default) plus a margin: the owners' watches must have expired
  VMLOCKS_WATCH_SETTLE: duration('45s'),
});

/** Default METRICS_PORT: the port OpenTelemetry's Prometheus exporter uses for an application's own metrics. */
export const DEFAULT_METRICS_PORT = 9464;

/**
 * /healthz, /readyz and /metrics (`serve`): their own listener, never the public one of /slack/events. Loopback by
 * default outside a container; the image sets METRICS_HOST=0.0.0.0 (probes and Prometheus reach the pod's address).
 */
const MetricsEnv = z.object({
  METRICS_PORT: portNumber.default(DEFAULT_METRICS_PORT),
  METRICS_HOST: z.string().trim().default('127.0.0.1').pipe(z.union([z.ipv4(), z.ipv6()], {
    message: 'expected an IP address to listen on: 127.0.0.1 (this host only, the default), 0.0.0.0 or :: (every interface), or one of this host\'s addresses',
  })),
});

const SlackEnv = z.object({
  SLACK_BOT_TOKEN: z.string({ message: 'required: the bot token (xoxb-…) from your Slack app, see manifest.yml' }).trim().regex(/^xoxb-/, 'expected a bot token starting with xoxb- (see manifest.yml)'),
  SLACK_SIGNING_SECRET: z.string({ message: 'required: the signing secret from your Slack app\'s Basic Information page' }).trim().min(8, 'expected the app\'s signing secret'),
  SLACK_API_URL: z.url({ message: 'expected a URL such as https://slack.com/api/' }).optional(),
  PORT: portNumber.default(3000),
  VMLOCKS_INCIDENT_CHANNEL: z.string({ message: 'required: the channel id (C…) for notifications and approvals' }).trim().regex(/^[CG][A-Z0-9]{6,}$/, 'expected a channel id such as C0123456789 (not a #name)'),
  VMLOCKS_APPROVALS_CHANNEL: z.string().trim().regex(/^[CG][A-Z0-9]{6,}$/, 'expected a channel id such as C0123456789').optional(),
  VMLOCKS_APPROVERS: idList(/^[UW][A-Z0-9]{6,}$/, 'user'),
  VMLOCKS_APPROVER_GROUP: z.string().trim().regex(/^S[A-Z0-9]{6,}$/, 'expected a user group id such as S0123456789').optional(),
  // Who may run /vmlocks and request fixes (approvers too); read at use time for the group.
  VMLOCKS_OPERATORS: idList(/^[UW][A-Z0-9]{6,}$/, 'user'),
  VMLOCKS_OPERATOR_GROUP: z.string().trim().regex(/^S[A-Z0-9]{6,}$/, 'expected a user group id such as S0123456789').optional(),
  // Where reports may be posted for the whole channel, besides the incident channel; elsewhere they are ephemeral.
  VMLOCKS_CHANNELS: idList(/^[CG][A-Z0-9]{6,}$/, 'channel'),
  VMLOCKS_SLACK_TIMEOUT: duration('10s'),
  VMLOCKS_SLACK_POST_INTERVAL: duration('1s'),
});

export type BaseConfig = ReturnType<typeof toBase>;
export type SlackConfig = z.output<typeof SlackEnv> & z.output<typeof SlackModeEnv>;
export type Config = BaseConfig & { slack: SlackConfig; watch: WatchConfig; metricsListener: MetricsListenerConfig };

/** Where /healthz, /readyz and /metrics listen. */
export interface MetricsListenerConfig {
  port: number;
  host: string;
  /** On PORT because Socket Mode had PORT set and no METRICS_PORT (legacySocketPort): main.ts warns. */
  onLegacyPort: boolean;
}

export interface WatchConfig {
  enabled: boolean;
  intervalMs: number;
  settleMs: number;
}

function toBase(e: z.output<typeof BaseEnv>, env: NodeJS.ProcessEnv) {
  return {
    novaPool: e.VMLOCKS_NOVA_POOL,
    cinderPools: e.VMLOCKS_CINDER_POOLS,
    dbPath: e.VMLOCKS_DB,
    approvalTtlMs: e.VMLOCKS_APPROVAL_TTL,
    fenceExpiryMs: e.VMLOCKS_FENCE_EXPIRY,
    runLeaseMs: e.VMLOCKS_RUN_LEASE,
    logLevel: e.LOG_LEVEL,
    ceph: {
      conf: e.CEPH_CONF, id: e.CEPH_ID, keyring: e.CEPH_KEYRING, timeoutMs: e.VMLOCKS_CEPH_TIMEOUT, reads: e.VMLOCKS_CEPH_READS,
      concurrency: e.VMLOCKS_CEPH_CONCURRENCY, minTimeMs: e.VMLOCKS_CEPH_MIN_TIME, maxQueued: e.VMLOCKS_CEPH_MAX_QUEUED,
    },
    nova: {
      timeoutMs: e.VMLOCKS_NOVA_TIMEOUT, rebootTimeoutMs: e.VMLOCKS_REBOOT_TIMEOUT, evacuateTimeoutMs: e.VMLOCKS_EVACUATE_TIMEOUT,
      concurrency: e.VMLOCKS_NOVA_CONCURRENCY, minTimeMs: e.VMLOCKS_NOVA_MIN_TIME, maxQueued: e.VMLOCKS_NOVA_MAX_QUEUED,
    },
    limits: {
      userCommands: e.VMLOCKS_USER_COMMANDS, userCommandsWindowMs: e.VMLOCKS_USER_COMMANDS_WINDOW,
      fixBrake: e.VMLOCKS_FIX_BRAKE, fixBrakeWindowMs: e.VMLOCKS_FIX_BRAKE_WINDOW,
    },
    /** A whole host: a batch's cap and how many of its instances are fixed at once. */
    batch: { max: e.VMLOCKS_BATCH_MAX, concurrency: e.VMLOCKS_BATCH_CONCURRENCY },
    /** The environment, for the OpenStack loader (OS_CLOUD, clouds.yaml, OS_*), which reads it as openstackclient does. */
    env,
  };
}

function explain(error: z.ZodError): string {
  return `vmlocks: invalid configuration\n${z.prettifyError(error)}\nSee the configuration table in README.md.`;
}

/** For commands that do not talk to Slack (`inspect`, `audit`). */
export function loadBaseConfig(env: NodeJS.ProcessEnv): Result<BaseConfig, string> {
  const base = BaseEnv.safeParse(env);
  return base.success ? ok(toBase(base.data, env)) : err(explain(base.error));
}

/**
 * `serve` runs unattended and removes locks: without CEPH_ID the Ceph clients would act as client.admin, which can
 * do far more than vmlocks needs. Refused unless CEPH_ID is set or running as admin is asked for explicitly.
 */
const CephIdentityEnv = z.object({
  CEPH_ID: z.string().optional(),
  VMLOCKS_ALLOW_CEPH_ADMIN: z.enum(['0', '1'], { message: 'expected 1 (run as client.admin on purpose) or 0' }).optional(),
}).superRefine((e, ctx) => {
  if ((e.CEPH_ID ?? '').trim() === '' && e.VMLOCKS_ALLOW_CEPH_ADMIN !== '1') {
    ctx.addIssue({
      code: 'custom', path: ['CEPH_ID'],
      message: 'CEPH_ID is not set, so vmlocks would act as client.admin. Set CEPH_ID=vmlocks (the least-privilege user, README "Operations: Ceph user"), ' +
        'or VMLOCKS_ALLOW_CEPH_ADMIN=1 to run as client.admin on purpose',
    });
  }
});

/**
 * Before METRICS_PORT, Socket Mode served /healthz, /readyz and /metrics on PORT. A deployment that set PORT and
 * not METRICS_PORT keeps them there (its probes and scrape configs keep working), with a warning at start
 * (main.ts). In http mode PORT is /slack/events, the public listener: health and metrics never share it.
 */
export function legacySocketPort(env: NodeJS.ProcessEnv): boolean {
  const set = (v: string | undefined) => v !== undefined && v.trim() !== '';
  return (env.VMLOCKS_SLACK_MODE ?? 'socket').trim() !== 'http' && set(env.PORT) && !set(env.METRICS_PORT);
}

/** For `serve`: everything, Slack included. */
export function loadConfig(env: NodeJS.ProcessEnv): Result<Config, string> {
  const base = BaseEnv.safeParse(env);
  const slack = SlackEnv.safeParse(env);
  const mode = SlackModeEnv.safeParse(env);
  const watch = WatchEnv.safeParse(env);
  const identity = CephIdentityEnv.safeParse(env);
  const listener = MetricsEnv.safeParse(env);
  if (!base.success || !slack.success || !mode.success || !watch.success || !identity.success || !listener.success) {
    const issues = [base, slack, mode, watch, identity, listener].flatMap((r) => (r.success ? [] : r.error.issues));
    return err(explain(new z.ZodError(issues)));
  }
  const onLegacyPort = legacySocketPort(env);
  const metricsPort = onLegacyPort ? slack.data.PORT : listener.data.METRICS_PORT;
  if (mode.data.VMLOCKS_SLACK_MODE === 'http' && metricsPort !== 0 && metricsPort === slack.data.PORT) {
    return err(explain(new z.ZodError([{
      code: 'custom', path: ['METRICS_PORT'], input: env.METRICS_PORT,
      message: `equals PORT (${slack.data.PORT}), where /slack/events listens in http mode: give /healthz, /readyz and /metrics another port (default ${DEFAULT_METRICS_PORT})`,
    }])));
  }
  const w = watch.data;
  return ok({
    ...toBase(base.data, env), slack: { ...slack.data, ...mode.data },
    watch: { enabled: w.VMLOCKS_WATCH_HOSTS, intervalMs: w.VMLOCKS_WATCH_INTERVAL, settleMs: w.VMLOCKS_WATCH_SETTLE },
    metricsListener: { port: metricsPort, host: listener.data.METRICS_HOST, onLegacyPort },
  });
}
