/**
 * Keystone v3 authentication: a project-scoped token, cached until shortly before it expires, and the service
 * catalog that comes with it. Concurrent callers share one token request.
 */
import type { CatalogEntry } from './keystone-schemas.js';
import { authRequestBody, KeystoneTokenBody } from './keystone-schemas.js';
import type { OpenStackCredentials } from './credentials.js';
import { KeystoneError, OpenStackConfigError } from './errors.js';
import { explainKeystoneStatus } from './explain-status.js';
import { apiMessageOf, excerpt, sendHttp, type HttpTransport } from './http-call.js';
import { parseJsonBody } from './parse-body.js';
import { defaultFetch, tlsDispatcher } from './tls-dispatcher.js';

export interface KeystoneToken {
  value: string;
  /** Local clock (ms) after which the token is not used any more. */
  refreshAt: number;
  userId: string;
  projectId: string | null;
  catalog: CatalogEntry[];
}

export interface KeystoneAuth {
  readonly credentials: OpenStackCredentials;
  /** The token of the configured scope (cached). */
  token(): Promise<KeystoneToken>;
  /**
   * A token scoped to another project, for the calls Nova answers only in the server's own project. Null when the
   * method cannot change scope (an application credential is bound to its project).
   */
  tokenForProject(projectId: string): Promise<KeystoneToken | null>;
  /** Forget a token Nova refused (401), so that the next call gets a fresh one. */
  invalidate(token: KeystoneToken): void;
  /** The URL of a service from the catalog, for the configured region and interface. */
  endpoint(serviceType: string): Promise<string>;
}

interface CacheEntry {
  promise: Promise<KeystoneToken>;
  /** Set once issued. */
  token: KeystoneToken | null;
}

export interface KeystoneAuthOptions extends Partial<HttpTransport> {
  credentials: OpenStackCredentials;
  /** Re-issue this long before expiry (default 60 s, at most half the token's lifetime). */
  refreshMarginMs?: number;
  now?: () => number;
}

export function createKeystoneAuth(opts: KeystoneAuthOptions): KeystoneAuth {
  const now = opts.now ?? Date.now;
  const transport: HttpTransport = {
    fetch: opts.fetch ?? defaultFetch, dispatcher: opts.dispatcher ?? tlsDispatcher(opts.credentials), timeoutMs: opts.timeoutMs ?? 10_000,
  };
  const cache = new Map<string, CacheEntry>();
  const margin = opts.refreshMarginMs ?? 60_000;

  // Not tied to one caller's AbortSignal: concurrent callers share the request; its timeout bounds it.
  async function issue(projectId: string | undefined): Promise<KeystoneToken> {
    const req = { method: 'POST', path: '/auth/tokens' };
    const fail = (f: ConstructorParameters<typeof KeystoneError>[0]) => new KeystoneError(f);
    const answer = await sendHttp(transport, { service: 'Keystone', url: `${opts.credentials.authUrl}/auth/tokens`, req, headers: {}, body: authRequestBody(opts.credentials.method, projectId) }, fail);
    if (answer.status !== 201 && answer.status !== 200) {
      const apiMessage = apiMessageOf(answer.text);
      throw fail({ ...req, code: 'http_status', status: answer.status, requestId: answer.requestId, apiMessage, userMessage: explainKeystoneStatus(answer.status, apiMessage, req, opts.credentials.source) });
    }
    const subject = answer.headers.get('x-subject-token');
    const parsed = parseJsonBody(answer.text, KeystoneTokenBody);
    if (subject === null || subject === '' || !parsed.ok) {
      const why = subject === null || subject === '' ? 'no X-Subject-Token header' : parsed.ok ? '' : parsed.error;
      throw fail({ ...req, code: 'bad_response', status: answer.status, requestId: answer.requestId, apiMessage: `${why}; body: ${excerpt(answer.text)}`,
        userMessage: `Keystone at ${opts.credentials.authUrl} answered the token request with something that is not a Keystone v3 token (${why}): check OS_AUTH_URL.` });
    }
    const t = parsed.value.token;
    // Lifetime from Keystone's own two clocks, applied to ours: immune to clock skew between the hosts.
    const lifetime = Date.parse(t.expires_at) - (t.issued_at === undefined ? now() : Date.parse(t.issued_at));
    return {
      value: subject, refreshAt: now() + lifetime - Math.min(margin, lifetime / 2),
      userId: t.user.id, projectId: t.project?.id ?? null, catalog: t.catalog ?? [],
    };
  }

  function cached(key: string, projectId: string | undefined): Promise<KeystoneToken> {
    const hit = cache.get(key);
    // in flight (shared by concurrent callers) or still fresh
    if (hit !== undefined && (hit.token === null || now() < hit.token.refreshAt)) return hit.promise;
    const entry: CacheEntry = { promise: issue(projectId), token: null };
    cache.set(key, entry);
    entry.promise.then((t) => { entry.token = t; }, () => { if (cache.get(key) === entry) cache.delete(key); });
    return entry.promise;
  }

  const auth: KeystoneAuth = {
    credentials: opts.credentials,
    token: () => cached('default', undefined),
    async tokenForProject(projectId) {
      const own = await auth.token();
      if (own.projectId === projectId) return own;
      if (opts.credentials.method.type !== 'password') return null;
      return cached(`project:${projectId}`, projectId);
    },
    invalidate(token) {
      for (const [key, entry] of cache) if (entry.token?.value === token.value) cache.delete(key);
    },
    async endpoint(serviceType) {
      return endpointOf((await auth.token()).catalog, serviceType, opts.credentials);
    },
  };
  return auth;
}

/** openstackclient's choice: the service's endpoint for the interface, in the region when one is set. */
export function endpointOf(catalog: CatalogEntry[], serviceType: string, c: Pick<OpenStackCredentials, 'regionName' | 'interface'>): string {
  const service = catalog.find((s) => s.type === serviceType);
  const endpoints = service?.endpoints ?? [];
  const inRegion = c.regionName === null ? endpoints : endpoints.filter((e) => e.region_id === c.regionName || e.region === c.regionName);
  const chosen = inRegion.find((e) => e.interface === c.interface);
  if (chosen !== undefined) return chosen.url.replace(/\/+$/, '');
  if (service === undefined) {
    throw new OpenStackConfigError('no_endpoint', 'catalog', `the token's catalog has no "${serviceType}" service: does the project have access to it?`);
  }
  const offered = endpoints.map((e) => `${e.interface} in ${e.region_id ?? e.region ?? 'no region'}`).join(', ');
  const key = inRegion.length === 0 ? 'OS_REGION_NAME' : 'OS_INTERFACE';
  const where = c.regionName === null ? '' : ` in region ${c.regionName}`;
  throw new OpenStackConfigError('no_endpoint', key, `no ${c.interface} endpoint for ${serviceType}${where}; the catalog offers ${offered || 'none'}`);
}
