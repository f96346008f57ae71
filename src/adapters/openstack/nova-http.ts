/**
 * Requests to the compute API: endpoint from the catalog, the negotiated microversion on every call, the token
 * re-issued once when Nova answers 401 (it expired or was revoked mid-session), errors mapped to NovaApiError.
 */
import type { z } from 'zod';
import type { KeystoneAuth, KeystoneToken } from './keystone-auth.js';
import { NovaApiError, type ApiErrorFields, type RequestInfo } from './errors.js';
import { explainNovaStatus } from './explain-status.js';
import { apiMessageOf, excerpt, sendHttp, type HttpAnswer, type HttpTransport } from './http-call.js';
import { NovaVersionDocument } from './nova-schemas.js';
import { parseJsonBody } from './parse-body.js';

/** The highest compute microversion vmlocks knows (Zed's maximum). Newer Novas are spoken to at this one. */
export const MAX_MICROVERSION = '2.93';

export interface NovaRequest extends RequestInfo {
  body?: unknown;
  /** A token of another scope (the server's project); re-fetched through `retoken` after a 401. */
  token?: { get(): Promise<KeystoneToken> };
  signal?: AbortSignal;
  /** This call's microversion instead of the negotiated one (the evacuation picks its own: evacuation.ts). */
  microversion?: string;
}

export interface NovaHttp {
  send(r: NovaRequest): Promise<HttpAnswer>;
  getJson<T>(path: string, schema: z.ZodType<T>, opts?: { signal?: AbortSignal }): Promise<T>;
  microversion(): Promise<string>;
  /** The highest microversion the server speaks (the pinned one when pinned). */
  serverMicroversion(): Promise<string>;
}

export interface NovaHttpOptions extends HttpTransport {
  auth: KeystoneAuth;
  /** Pin a microversion instead of negotiating it from the version document. */
  microversion?: string;
}

const fail = (f: ApiErrorFields) => new NovaApiError(f);

export function createNovaHttp(opts: NovaHttpOptions): NovaHttp {
  let negotiated: Promise<string> | null = opts.microversion === undefined ? null : Promise.resolve(opts.microversion);
  let serverMax: string | null = opts.microversion ?? null;

  async function negotiate(): Promise<string> {
    const base = await opts.auth.endpoint('compute');
    const token = await opts.auth.token();
    // Some clouds still register `/v2.1/<project_id>`: the version document lives at `/v2.1`.
    const root = token.projectId === null ? base : base.replace(new RegExp(`/${token.projectId}$`), '');
    const req = { method: 'GET', path: '/' };
    const answer = await sendHttp(opts, { service: 'Nova', url: root, req, headers: { 'X-Auth-Token': token.value } }, fail);
    if (answer.status !== 200) throw statusError(req, answer);
    const doc = parseJsonBody(answer.text, NovaVersionDocument);
    if (!doc.ok) throw badBody(req, answer, doc.error);
    // "" means a Nova without microversions (before Kilo): 2.1 is then the only behaviour.
    serverMax = doc.value.version.version === '' ? '2.1' : doc.value.version.version;
    return minVersion(serverMax, MAX_MICROVERSION);
  }

  function microversion(): Promise<string> {
    // a failed negotiation is not cached: the next call tries again
    negotiated ??= negotiate().catch((e: unknown) => {
      negotiated = null;
      throw e;
    });
    return negotiated;
  }

  async function send(r: NovaRequest): Promise<HttpAnswer> {
    const [base, negotiatedMv] = await Promise.all([opts.auth.endpoint('compute'), microversion()]);
    const mv = r.microversion ?? negotiatedMv;
    const headers = (t: KeystoneToken) => ({
      'X-Auth-Token': t.value, 'OpenStack-API-Version': `compute ${mv}`, 'X-OpenStack-Nova-API-Version': mv,
    });
    const getToken = () => (r.token === undefined ? opts.auth.token() : r.token.get());
    const req = { method: r.method, path: r.path };
    const call = (t: KeystoneToken) => sendHttp(opts, { service: 'Nova', url: `${base}${r.path}`, req, headers: headers(t), body: r.body, signal: r.signal }, fail);
    const first = await getToken();
    let answer = await call(first);
    if (answer.status === 401) {
      // Keystone may revoke a token before its expiry (password change, role change): get a new one, once.
      opts.auth.invalidate(first);
      answer = await call(await getToken());
    }
    if (answer.status >= 400) throw statusError(req, answer);
    return answer;
  }

  return {
    send,
    async getJson(path, schema, o = {}) {
      const req = { method: 'GET', path };
      const answer = await send({ ...req, signal: o.signal });
      const body = parseJsonBody(answer.text, schema);
      if (!body.ok) throw badBody(req, answer, body.error);
      return body.value;
    },
    microversion,
    async serverMicroversion() {
      const mv = await microversion();
      return serverMax ?? mv;
    },
  };
}

export function statusError(req: RequestInfo, answer: HttpAnswer): NovaApiError {
  const apiMessage = apiMessageOf(answer.text);
  return fail({
    ...req, code: 'http_status', status: answer.status, requestId: answer.requestId, apiMessage,
    userMessage: explainNovaStatus(answer.status, apiMessage, req, answer.requestId),
  });
}

export function badBody(req: RequestInfo, answer: HttpAnswer, why: string): NovaApiError {
  return fail({
    ...req, code: 'bad_response', status: answer.status, requestId: answer.requestId, apiMessage: `${why}; body: ${excerpt(answer.text)}`,
    userMessage: `Nova answered ${req.method} ${req.path} with a body vmlocks does not understand (${why}). Nothing was changed; ` +
      `report it with the request id ${answer.requestId ?? '(none)'} and the Nova version.`,
  });
}

/** The lower of two microversions ("2.93" vs "2.100" compare by number, not as text). */
export function minVersion(a: string, b: string): string {
  const [amaj = 0, amin = 0] = a.split('.').map(Number);
  const [bmaj = 0, bmin = 0] = b.split('.').map(Number);
  return amaj < bmaj || (amaj === bmaj && amin <= bmin) ? a : b;
}

/** True when microversion `mv` is at least `min`. */
export function atLeast(mv: string, min: string): boolean {
  return minVersion(min, mv) === min;
}
