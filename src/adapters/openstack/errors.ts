/**
 * The OpenStack adapter's coded errors (bolt's errors.ts pattern): one class per failing party, fields that tell
 * the cases apart, and a `userMessage` that says what to do.
 */

/** A bad OpenStack configuration (clouds.yaml, secure.yaml, OS_* variables). `key` names what to fix. */
export class OpenStackConfigError extends Error {
  override readonly name = 'OpenStackConfigError';
  readonly code: 'invalid_config' | 'cloud_not_found' | 'no_credentials' | 'no_endpoint';
  /** The variable or clouds.yaml key at fault, e.g. `OS_AUTH_URL` or `clouds.prod.auth.auth_url (/etc/openstack/clouds.yaml)`. */
  readonly key: string;
  readonly userMessage: string;

  constructor(code: OpenStackConfigError['code'], key: string, message: string, opts: { cause?: unknown } = {}) {
    super(`${key}: ${message}`, { cause: opts.cause });
    this.code = code;
    this.key = key;
    this.userMessage = `OpenStack configuration: ${key}: ${message}`;
  }
}

/** What was asked of the API, for the error and the audit log. */
export interface RequestInfo {
  method: string;
  /** Path and query under the service endpoint, e.g. `/servers/detail?all_tenants=1`. */
  path: string;
}

/**
 * How an OpenStack API call failed:
 * - `http_status`: the API answered with an error status (`status`, `apiMessage` from its body);
 * - `unreachable`: no answer at all (connection refused, DNS, TLS);
 * - `bad_response`: an answer whose body is not what the API documents (zod issues in `message`);
 * - `not_found`: an object the caller asked for by id does not exist (a value elsewhere; here it was required);
 * - `insufficient_view`: the API answered but left out fields that the policy hides (see docs/openstack-policy.md);
 * - `unsupported`: the API is too old for what was asked (e.g. an evacuation below microversion 2.68).
 */
export type ApiErrorCode = 'http_status' | 'unreachable' | 'bad_response' | 'not_found' | 'insufficient_view' | 'unsupported';

export interface ApiErrorFields extends RequestInfo {
  code: ApiErrorCode;
  status: number | null;
  /** `x-openstack-request-id` (or `x-compute-request-id`): the key to the service's own log. */
  requestId: string | null;
  /** The API's own message, e.g. Nova's `{"itemNotFound": {"message": ...}}`. */
  apiMessage: string | null;
  userMessage: string;
  cause?: unknown;
}

abstract class OpenStackApiError extends Error {
  readonly code: ApiErrorCode;
  readonly status: number | null;
  readonly requestId: string | null;
  readonly method: string;
  readonly path: string;
  readonly apiMessage: string | null;
  readonly userMessage: string;

  constructor(service: string, f: ApiErrorFields) {
    const what = f.status === null ? f.code : `${f.status}`;
    const said = f.apiMessage === null ? '' : `: ${f.apiMessage}`;
    const ref = f.requestId === null ? '' : ` [${f.requestId}]`;
    super(`${service} ${f.method} ${f.path} failed (${what})${said}${ref}`, { cause: f.cause });
    this.code = f.code;
    this.status = f.status;
    this.requestId = f.requestId;
    this.method = f.method;
    this.path = f.path;
    this.apiMessage = f.apiMessage;
    this.userMessage = f.userMessage;
  }
}

/** A failed Nova (compute API) call. */
export class NovaApiError extends OpenStackApiError {
  override readonly name = 'NovaApiError';
  constructor(f: ApiErrorFields) {
    super('Nova', f);
  }
}

/** A failed Keystone (identity API) call: authentication, token, catalog. */
export class KeystoneError extends OpenStackApiError {
  override readonly name = 'KeystoneError';
  constructor(f: ApiErrorFields) {
    super('Keystone', f);
  }
}

/** A call that got no complete answer within its timeout (`AbortSignal.timeout`). */
export class OpenStackTimeoutError extends Error {
  override readonly name = 'OpenStackTimeoutError';
  readonly code = 'timeout';
  readonly service: 'Nova' | 'Keystone';
  readonly method: string;
  readonly path: string;
  readonly timeoutMs: number;
  readonly userMessage: string;

  constructor(service: 'Nova' | 'Keystone', req: RequestInfo, timeoutMs: number, opts: { cause?: unknown } = {}) {
    super(`${service} ${req.method} ${req.path} timed out after ${timeoutMs} ms`, { cause: opts.cause });
    this.service = service;
    this.method = req.method;
    this.path = req.path;
    this.timeoutMs = timeoutMs;
    // A write that timed out may still have been applied: say so rather than promise nothing changed.
    const effect = req.method === 'GET' ? 'Nothing was changed.' : 'It may still have been applied: check the server before trying again.';
    this.userMessage =
      `${service} did not answer ${req.method} ${req.path} within ${timeoutMs} ms. ${effect} ` +
      `Check that ${service} is reachable and healthy (VMLOCKS_NOVA_TIMEOUT sets the limit).`;
  }
}
