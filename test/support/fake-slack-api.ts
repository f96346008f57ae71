/**
 * A fake Slack Web API on 127.0.0.1 (random port) for tests: `POST /api/<method>` with form-encoded or JSON
 * bodies and a bearer token, answered with the shapes of Slack's method docs (docs.slack.dev/reference/methods),
 * after a realistic delay (default 100 ms: races between concurrent clicks hide when a fake answers at once).
 * It records every call, can answer 429 + Retry-After or `ok: false` for the next calls of a method, and plays
 * `response_url`s (`POST /response/<id>`), recording what is posted there. With a Socket Mode fake attached,
 * `apps.connections.open` (app-level token only) answers with a new WebSocket URL of it.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { answerMethod, asRecord, type FakeSlackState, type FakeUser } from './fake-slack-methods.js';

export { FAKE_BOT, FAKE_TEAM, type FakeUser } from './fake-slack-methods.js';

export interface RecordedCall {
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  /** ms since the epoch, when the request arrived. */
  at: number;
  /** HTTP status answered (429 for a rate-limited attempt). */
  status: number;
  response: Record<string, unknown>;
}

export interface RecordedResponse {
  id: string;
  body: Record<string, unknown>;
  at: number;
  status: number;
}

export interface FakeSlackApiOptions {
  /** The bot token calls must carry (Authorization: Bearer). Default `xoxb-test-token`. */
  token?: string;
  /** Delay before every answer, ms. Default 100. */
  delayMs?: number;
  /** User group id → member user ids, for usergroups.users.list. */
  usergroups?: Record<string, string[]>;
  /** users.info: users that are not plain members of FAKE_TEAM (guests, other workspaces). */
  users?: Record<string, FakeUser>;
  /** auth.test answers this Enterprise Grid organisation (default none). */
  enterpriseId?: string;
  /** Channels the bot is not a member of: chat.postMessage/postEphemeral there answer `not_in_channel`. */
  channelsWithoutBot?: string[];
  /** Uses of one response_url before Slack refuses it (5 in 30 minutes). Default 5. */
  responseUrlUses?: number;
}

type Predicate<T> = (item: T) => boolean;

/** What `apps.connections.open` needs of a Socket Mode endpoint (FakeSocketMode). */
export interface SocketModeLink {
  appToken: string;
  issueUrl(): string;
}

interface Injected { count: number; answer: (res: ServerResponse) => Record<string, unknown> }
interface Late { method: string; extraMs: number; left: number; match: (args: Record<string, unknown>) => boolean }

export class FakeSlackApi {
  readonly calls: RecordedCall[] = [];
  readonly responses: RecordedResponse[] = [];
  delayMs: number;
  private readonly injected = new Map<string, Injected[]>();
  private readonly late: Late[] = [];
  private readonly waiters = new Set<() => void>();
  private readonly state: FakeSlackState;
  private readonly server = createServer((req, res) => void this.handle(req, res));
  private readonly responseUrlUses: number;
  private readonly token: string;
  private socketMode: SocketModeLink | null = null;
  private port = 0;

  constructor(opts: FakeSlackApiOptions = {}) {
    this.delayMs = opts.delayMs ?? 100;
    this.token = opts.token ?? 'xoxb-test-token';
    this.responseUrlUses = opts.responseUrlUses ?? 5;
    this.state = {
      usergroups: new Map(Object.entries(opts.usergroups ?? {})),
      users: new Map(Object.entries(opts.users ?? {})),
      enterpriseId: opts.enterpriseId ?? null,
      channelsWithoutBot: new Set(opts.channelsWithoutBot ?? []),
      messages: new Map(),
      seq: 0,
    };
  }

  async start(): Promise<this> {
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  get url(): string { return `http://127.0.0.1:${this.port}/`; }
  /** For WebClient `slackApiUrl` / Bolt `clientOptions.slackApiUrl` (WebClient appends the method name). */
  get apiUrl(): string { return `${this.url}api/`; }
  responseUrl(id: string): string { return `${this.url}response/${encodeURIComponent(id)}`; }

  callsTo(method: string): RecordedCall[] { return this.calls.filter((c) => c.method === method && c.status === 200); }
  setUsergroup(id: string, users: string[]): void { this.state.usergroups.set(id, users); }
  setUser(id: string, user: FakeUser): void { this.state.users.set(id, user); }
  /** From now on `apps.connections.open` with `link.appToken` answers `{ ok: true, url: link.issueUrl() }`. */
  attachSocketMode(link: SocketModeLink): void { this.socketMode = link; }

  /**
   * The next `count` calls of `method` whose arguments match are done and recorded at once (a posted message is
   * visible, and clickable, in Slack) but answered `extraMs` later: the caller learns the message's channel/ts late.
   */
  answerLate(method: string, extraMs: number, opts: { count?: number; match?: (args: Record<string, unknown>) => boolean } = {}): void {
    this.late.push({ method, extraMs, left: opts.count ?? 1, match: opts.match ?? (() => true) });
  }

  /** The next `count` calls of `method` get HTTP 429 with `Retry-After: retryAfterSec`. */
  rateLimitNext(method: string, count: number, retryAfterSec: number): void {
    this.inject(method, count, (res) => {
      res.statusCode = 429;
      res.setHeader('Retry-After', String(retryAfterSec));
      return { ok: false, error: 'ratelimited' };
    });
  }

  /** The next `count` calls of `method` answer `{ ok: false, error }` (HTTP 200, as Slack does). */
  failNext(method: string, error: string, count = 1): void {
    this.inject(method, count, () => ({ ok: false, error }));
  }

  /** The next `count` calls of `method` answer with an HTTP error status (a proxy or Slack outage). */
  failHttpNext(method: string, status: number, count = 1): void {
    this.inject(method, count, (res) => {
      res.statusCode = status;
      return { ok: false, error: `http_${status}` };
    });
  }

  waitForCall(predicate: Predicate<RecordedCall>, timeoutMs = 5000): Promise<RecordedCall> {
    return this.waitFor(() => this.calls.find((c) => c.status === 200 && predicate(c)), timeoutMs, 'a Web API call');
  }

  waitForResponse(predicate: Predicate<RecordedResponse>, timeoutMs = 5000): Promise<RecordedResponse> {
    return this.waitFor(() => this.responses.find(predicate), timeoutMs, 'a response_url post');
  }

  /** Resolves when `count` items match (for bursts), or rejects listing what arrived. */
  waitForCalls(predicate: Predicate<RecordedCall>, count: number, timeoutMs = 5000): Promise<RecordedCall[]> {
    return this.waitFor(() => {
      const found = this.calls.filter((c) => c.status === 200 && predicate(c));
      return found.length >= count ? found : undefined;
    }, timeoutMs, `${count} Web API calls`);
  }

  private inject(method: string, count: number, answer: Injected['answer']): void {
    const list = this.injected.get(method) ?? [];
    list.push({ count, answer });
    this.injected.set(method, list);
  }

  private takeInjected(method: string): Injected['answer'] | null {
    const list = this.injected.get(method);
    const first = list?.[0];
    if (!list || !first) return null;
    first.count -= 1;
    if (first.count <= 0) list.shift();
    return first.answer;
  }

  private waitFor<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = find();
        if (found === undefined) return false;
        clearTimeout(timer);
        this.waiters.delete(listener);
        resolve(found);
        return true;
      };
      const listener = (): void => { check(); };
      const timer = setTimeout(() => {
        this.waiters.delete(listener);
        const seen = this.calls.map((c) => `${c.method}(${c.status})`).join(', ');
        reject(new Error(`fake Slack API: no ${what} matched within ${timeoutMs} ms; calls: [${seen}], response_url posts: ${this.responses.length}`));
      }, timeoutMs);
      this.waiters.add(listener);
      check();
    });
  }

  private notify(): void {
    for (const w of [...this.waiters]) w();
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const at = Date.now();
    const raw = await readBody(req);
    await new Promise((r) => setTimeout(r, this.delayMs));
    const path = new URL(req.url ?? '/', this.url).pathname;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    if (req.method === 'POST' && path.startsWith('/api/')) return this.answerApi(path.slice(5), req, raw, res, at);
    if (req.method === 'POST' && path.startsWith('/response/')) return this.answerResponseUrl(decodeURIComponent(path.slice(10)), raw, res, at);
    res.statusCode = 404;
    res.end(JSON.stringify({ ok: false, error: 'not_found' }));
  }

  private async answerApi(method: string, req: IncomingMessage, raw: string, res: ServerResponse, at: number): Promise<void> {
    const args = parseArgs(req.headers['content-type'] ?? '', raw);
    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '');
    const token = auth?.[1] ?? (typeof args.token === 'string' ? args.token : null);
    const injected = this.takeInjected(method);
    let response: Record<string, unknown>;
    if (injected) response = injected(res);
    else if (method === 'apps.connections.open' && this.socketMode !== null) response = this.openConnection(this.socketMode, token);
    else if (token === null) response = { ok: false, error: 'not_authed' };
    else if (token !== this.token) response = { ok: false, error: 'invalid_auth' };
    else response = answerMethod(this.state, method, args);
    this.calls.push({ method, args, token, at, status: res.statusCode, response });
    const late = this.late.find((l) => l.method === method && l.left > 0 && l.match(args));
    if (late) {
      late.left -= 1;
      this.notify();
      await new Promise((r) => setTimeout(r, late.extraMs));
      res.end(JSON.stringify(response));
      return;
    }
    res.end(JSON.stringify(response));
    this.notify();
  }

  // docs.slack.dev/reference/methods/apps.connections.open: an app-level token (xapp-) in the Authorization header.
  private openConnection(link: SocketModeLink, token: string | null): Record<string, unknown> {
    if (token === null) return { ok: false, error: 'not_authed' };
    if (token === this.token) return { ok: false, error: 'not_allowed_token_type' };
    if (token !== link.appToken) return { ok: false, error: 'invalid_auth' };
    return { ok: true, url: link.issueUrl() };
  }

  private answerResponseUrl(id: string, raw: string, res: ServerResponse, at: number): void {
    let body: Record<string, unknown> = {};
    try { body = asRecord(JSON.parse(raw)); } catch { res.statusCode = 400; }
    const used = this.responses.filter((r) => r.id === id && r.status === 200).length;
    if (res.statusCode === 200 && used >= this.responseUrlUses) res.statusCode = 404;
    this.responses.push({ id, body, at, status: res.statusCode });
    res.end(JSON.stringify(res.statusCode === 200 ? { ok: true } : { ok: false, error: 'used_url' }));
    this.notify();
  }
}

export async function startFakeSlackApi(opts: FakeSlackApiOptions = {}): Promise<FakeSlackApi> {
  return new FakeSlackApi(opts).start();
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

// The WebClient sends form-encoded bodies with nested values (blocks, view) as JSON strings; Slack decodes them.
const JSON_FIELDS = new Set(['blocks', 'attachments', 'view', 'metadata']);

function parseArgs(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) return asRecord(raw === '' ? {} : JSON.parse(raw));
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    args[key] = JSON_FIELDS.has(key) && /^[[{]/.test(value) ? JSON.parse(value) : value;
  }
  return args;
}
