/**
 * A Keystone + Nova stand-in on 127.0.0.1 (random port) for what the real lab cannot produce: a token revoked
 * mid-session, 5xx answers, a slow answer, a malformed body, attached volumes, a boot-from-volume server.
 * It answers from the recorded real responses in test/fixtures/nova (copied from shared/reference/nova) and
 * changes them only at serve time, in ways named here: the catalog points at this server, token times are
 * made current, the listing is filtered and paged as Nova does, a test may patch one server's fields, and the
 * recorded evacuation records (os-migrations-evacuation-*) are served for the instance asked about, one recorded
 * status per GET as scripted by the test.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const FIXTURES = new URL('../fixtures/nova/', import.meta.url);
export function fixture(name: string): unknown {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), 'utf8'));
}

export interface FakeAnswer {
  status: number;
  json?: unknown;
  /** A raw body (a malformed one, a proxy's HTML page). */
  text?: string;
  /** Wait this long before answering (to outlast the client's timeout). */
  delayMs?: number;
}

export interface Recorded {
  method: string;
  path: string;
  token: string | null;
  microversion: string | null;
  body: unknown;
}

type ServerPatch = (server: Record<string, unknown>) => Record<string, unknown>;

export interface FakeNova {
  /** Keystone v3 URL (OS_AUTH_URL). */
  authUrl: string;
  /** Every request, in order. */
  requests: Recorded[];
  /** How many tokens Keystone issued. */
  tokensIssued(): number;
  /** Answer the next `times` requests that match instead of the recorded behaviour. */
  override(method: string, path: RegExp, answer: FakeAnswer, times?: number): void;
  /** Revoke every issued token: Nova answers 401 (keystonemiddleware's body) until a new one is used. */
  revokeTokens(): void;
  /** Change a recorded server's fields when it is served. */
  patchServer(id: string, patch: ServerPatch): void;
  /**
   * The evacuation records of `id`: each GET /os-migrations serves the next recorded file (the last one stays),
   * e.g. ['accepted', 'pre-migrating', 'done'] for os-migrations-evacuation-<status>.mv2.93.json.
   */
  scriptEvacuation(id: string, statuses: string[]): void;
  close(): Promise<void>;
}

interface Override { method: string; path: RegExp; answer: FakeAnswer; left: number }

export async function startFakeNova(opts: { tokenLifetimeMs?: number } = {}): Promise<FakeNova> {
  const overrides: Override[] = [];
  const patches = new Map<string, ServerPatch>();
  const evacuations = new Map<string, string[]>();
  const valid = new Set<string>();
  const requests: Recorded[] = [];
  let issued = 0;
  let base = '';

  function servers(): Array<Record<string, unknown>> {
    const list = (fixture('servers-detail.mv2.93.json') as { servers: Array<Record<string, unknown>> }).servers;
    return list.map((s) => patches.get(String(s.id))?.(s) ?? s);
  }

  function keystone(body: unknown): FakeAnswer & { token?: string } {
    const methods = JSON.stringify(body);
    if (methods.includes('"wrong-password"')) return { status: 401, json: fixture('keystone-token-401-bad-password.json') };
    const appcred = methods.includes('application_credential');
    const text = JSON.stringify(fixture(appcred ? 'keystone-token-appcred.json' : 'keystone-token-password.json'))
      .replaceAll('http://127.0.0.1:8774', base).replaceAll('http://127.0.0.1:5000', base);
    const doc = JSON.parse(text) as { token: Record<string, unknown> };
    const now = Date.now();
    doc.token.issued_at = new Date(now).toISOString();
    doc.token.expires_at = new Date(now + (opts.tokenLifetimeMs ?? 3_600_000)).toISOString();
    const token = `fake-${++issued}-${randomUUID()}`;
    valid.add(token);
    return { status: 201, json: doc, token };
  }

  function migrations(q: URLSearchParams): FakeAnswer {
    const id = q.get('instance_uuid') ?? '';
    const script = evacuations.get(id) ?? ['none'];
    const status = script.length > 1 ? script.shift() : script[0];
    const doc = fixture(`os-migrations-evacuation-${status ?? 'none'}.mv2.93.json`) as { migrations: Array<Record<string, unknown>> };
    return { status: 200, json: { migrations: doc.migrations.map((m) => ({ ...m, instance_uuid: id })) } };
  }

  function nova(method: string, url: URL, body: unknown): FakeAnswer {
    const path = url.pathname.replace(/^\/v2\.1/, '');
    const q = url.searchParams;
    if (method === 'GET' && path === '/servers/detail') return listing(servers(), q);
    if (method === 'GET' && path === '/os-services') {
      const all = (fixture('os-services-nova-compute.mv2.93.json') as { services: Array<Record<string, unknown>> }).services;
      return { status: 200, json: { services: all.filter((s) => (q.get('host') ?? s.host) === s.host) } };
    }
    if (method === 'GET' && path === '/os-hypervisors/detail') {
      const all = (fixture('os-hypervisors-detail.mv2.93.json') as { hypervisors: Array<Record<string, unknown>> }).hypervisors;
      const pattern = q.get('hypervisor_hostname_pattern');
      const hits = all.filter((h) => pattern === null || String(h.hypervisor_hostname).includes(pattern));
      // nova/api/openstack/compute/hypervisors.py: an empty pattern match is a 404
      if (hits.length === 0) return { status: 404, json: { itemNotFound: { code: 404, message: `No hypervisor matching '${pattern ?? ''}' could be found.` } } };
      return { status: 200, json: { hypervisors: hits } };
    }
    if (method === 'GET' && path === '/os-migrations') return migrations(q);
    const action = /^\/servers\/([^/]+)\/action$/.exec(path);
    if (method === 'POST' && action !== null) {
      if (!servers().some((s) => s.id === action[1])) return { status: 404, json: fixture('error-404-server-not-found.mv2.93.json') };
      // evacuate answers 200 with no body (evacuate-200.mv2.93.http); reboot 202
      const isEvacuate = typeof body === 'object' && body !== null && 'evacuate' in body;
      return { status: isEvacuate ? 200 : 202, text: '' };
    }
    return { status: 404, json: { itemNotFound: { code: 404, message: 'The resource could not be found.' } } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: unknown = raw === '' ? null : JSON.parse(raw);
    const token = header(req, 'x-auth-token');
    const method = req.method ?? 'GET';
    requests.push({ method, path: `${url.pathname}${url.search}`, token, microversion: header(req, 'openstack-api-version'), body });
    const requestId = `req-${randomUUID()}`;
    const headers: Record<string, string> = { 'x-openstack-request-id': requestId };
    let answer: FakeAnswer;
    const o = overrides.find((x) => x.left > 0 && x.method === method && x.path.test(url.pathname + url.search));
    if (o !== undefined) {
      o.left -= 1;
      answer = o.answer;
    } else if (url.pathname === '/v3/auth/tokens' && method === 'POST') {
      const k = keystone(body);
      if (k.token !== undefined) headers['x-subject-token'] = k.token;
      answer = k;
    } else if (token === null || !valid.has(token)) {
      // keystonemiddleware's answer to a missing or revoked token (error-401-invalid-token.http)
      headers['www-authenticate'] = `Keystone uri="${base}"`;
      answer = { status: 401, json: fixture('error-401-invalid-token.json') };
    } else {
      headers['x-compute-request-id'] = requestId;
      answer = nova(method, url, body);
    }
    if (answer.delayMs !== undefined) await new Promise((r) => setTimeout(r, answer.delayMs));
    if (res.destroyed) return;
    const out = answer.text ?? (answer.json === undefined ? '' : JSON.stringify(answer.json));
    res.writeHead(answer.status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
    res.end(out);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`fake-nova-server: ${String(e)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    authUrl: `${base}/v3`,
    requests,
    tokensIssued: () => issued,
    override: (method, path, answer, times = 1) => overrides.push({ method, path, answer, left: times }),
    revokeTokens: () => valid.clear(),
    patchServer: (id, patch) => patches.set(id, patch),
    scriptEvacuation: (id, statuses) => evacuations.set(id, [...statuses]),
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function header(req: IncomingMessage, name: string): string | null {
  const v = req.headers[name];
  return typeof v === 'string' ? v : null;
}

/** Nova's listing over the recorded servers: exact uuid/host filters, `name` as a case-insensitive regex, pages. */
function listing(all: Array<Record<string, unknown>>, q: URLSearchParams): FakeAnswer {
  const name = q.get('name');
  const re = name === null ? null : new RegExp(name, 'i');
  const hits = all.filter((s) => (q.get('uuid') ?? s.id) === s.id
    && (q.get('host') ?? s['OS-EXT-SRV-ATTR:host']) === s['OS-EXT-SRV-ATTR:host']
    && (re === null || re.test(String(s.name))));
  const marker = q.get('marker');
  const start = marker === null ? 0 : hits.findIndex((s) => s.id === marker) + 1;
  const limit = Number(q.get('limit') ?? 1000);
  const page = hits.slice(start, start + limit);
  const json: Record<string, unknown> = { servers: page };
  if (page.length === limit && page.length > 0) {
    const next = new URLSearchParams(q);
    next.set('marker', String(page.at(-1)?.id));
    json.servers_links = [{ rel: 'next', href: `http://127.0.0.1:8774/v2.1/servers/detail?${next.toString()}` }];
  }
  return { status: 200, json };
}
