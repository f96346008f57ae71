/**
 * One HTTP call to an OpenStack API: timeout on the whole exchange (headers and body), request id, duration, and
 * the failure mapped to a coded error. `fetch` is injectable (bolt's `createRespond(fetchFn, url)` style).
 */
import type { Dispatcher } from 'undici';
import { type ApiErrorFields, type RequestInfo, OpenStackTimeoutError } from './errors.js';

export interface FetchInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal: AbortSignal;
  /** undici's dispatcher (TLS settings: OS_CACERT, insecure); ignored by fetch implementations without it. */
  dispatcher?: Dispatcher;
}

export interface FetchResponse {
  status: number;
  headers: { get(name: string): string | null };
  text(): Promise<string>;
}

/** The part of `fetch` the adapter uses: global fetch, undici's fetch, or a test's recorder all fit. */
export type FetchLike = (url: string, init: FetchInit) => Promise<FetchResponse>;

export interface HttpTransport {
  fetch: FetchLike;
  dispatcher?: Dispatcher;
  timeoutMs: number;
}

export interface HttpCall {
  service: 'Nova' | 'Keystone';
  url: string;
  req: RequestInfo;
  headers: Record<string, string>;
  body?: unknown;
  signal?: AbortSignal;
}

export interface HttpAnswer {
  status: number;
  headers: { get(name: string): string | null };
  text: string;
  requestId: string | null;
  durationMs: number;
}

/** Sends the call; throws OpenStackTimeoutError, or `unreachable` through `fail` when no answer came. */
export async function sendHttp(t: HttpTransport, call: HttpCall, fail: (f: ApiErrorFields) => Error): Promise<HttpAnswer> {
  const timeout = AbortSignal.timeout(t.timeoutMs);
  const signal = call.signal === undefined ? timeout : AbortSignal.any([timeout, call.signal]);
  const init: FetchInit = { method: call.req.method, headers: { Accept: 'application/json', ...call.headers }, signal };
  if (call.body !== undefined) {
    init.body = JSON.stringify(call.body);
    init.headers['Content-Type'] = 'application/json';
  }
  if (t.dispatcher !== undefined) init.dispatcher = t.dispatcher;
  const started = performance.now();
  try {
    const res = await t.fetch(call.url, init);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, requestId: requestIdOf(res.headers), durationMs: Math.round(performance.now() - started) };
  } catch (e) {
    if (timeout.aborted) throw new OpenStackTimeoutError(call.service, call.req, t.timeoutMs, { cause: e });
    if (call.signal?.aborted) throw call.signal.reason ?? e;
    throw fail({
      ...call.req, code: 'unreachable', status: null, requestId: null, apiMessage: null, cause: e,
      userMessage: `Could not reach ${call.service} at ${originOf(call.url)} (${causeText(e)}): check the endpoint, the network, and for TLS OS_CACERT.`,
    });
  }
}

/** Nova sends both; Keystone sends only the first. */
export function requestIdOf(headers: { get(name: string): string | null }): string | null {
  return headers.get('x-openstack-request-id') ?? headers.get('x-compute-request-id');
}

/**
 * The API's own message from an error body: Nova's `{"itemNotFound": {"code": 404, "message": ...}}`, Keystone's
 * and keystonemiddleware's `{"error": {"message": ...}}`, or the start of a proxy's text/HTML page.
 */
export function apiMessageOf(text: string): string | null {
  try {
    const body: unknown = JSON.parse(text);
    if (typeof body === 'object' && body !== null) {
      for (const value of Object.values(body)) {
        const message: unknown = typeof value === 'object' && value !== null ? Reflect.get(value, 'message') : undefined;
        if (typeof message === 'string') return message;
      }
    }
  } catch {
    // not JSON: a proxy's or load balancer's page
  }
  const plain = text.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim();
  return plain === '' ? null : plain.slice(0, 200);
}

export function excerpt(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

function causeText(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const inner: unknown = e.cause;
  const code: unknown = typeof inner === 'object' && inner !== null ? Reflect.get(inner, 'code') : undefined;
  return typeof code === 'string' ? `${e.message}: ${code}` : e.message;
}
