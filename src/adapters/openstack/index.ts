/**
 * The OpenStack adapter: credentials as openstackclient reads them, Keystone v3 auth, and the NovaPort.
 * `createOpenStackNova(env)` is what main.ts needs; the parts are exported for tests and tools.
 */
import type { Dispatcher } from 'undici';
import type { ReadTextFile } from './credentials.js';
import type { FetchLike } from './http-call.js';
import { createKeystoneAuth } from './keystone-auth.js';
import { loadOpenStackCredentials, readTextFileIfExists } from './load-credentials.js';
import { createNovaClient, type NovaClient, type NovaClientOptions } from './nova-client.js';
import { tlsDispatcher } from './tls-dispatcher.js';

export type { AuthMethod, OpenStackCredentials, ReadTextFile } from './credentials.js';
export { KeystoneError, NovaApiError, OpenStackConfigError, OpenStackTimeoutError } from './errors.js';
export type { FetchLike } from './http-call.js';
export { createKeystoneAuth, type KeystoneAuth, type KeystoneToken } from './keystone-auth.js';
export { loadOpenStackCredentials, readTextFileIfExists } from './load-credentials.js';
export { createNovaClient, type NovaClient, type NovaClientOptions } from './nova-client.js';
export { MAX_MICROVERSION } from './nova-http.js';
export { exactNamePattern } from './server-listing.js';

export interface OpenStackNovaOptions extends Omit<NovaClientOptions, 'auth' | 'dispatcher' | 'fetch'> {
  fetch?: FetchLike;
  readFile?: ReadTextFile;
  cwd?: string;
}

/** Loads the credentials from `env` (OS_CLOUD/clouds.yaml or OS_*), then builds Keystone auth and the Nova client. */
export async function createOpenStackNova(env: Record<string, string | undefined>, opts: OpenStackNovaOptions = {}): Promise<NovaClient> {
  const credentials = await loadOpenStackCredentials(env, opts.readFile ?? readTextFileIfExists, opts.cwd);
  // one TLS agent for Keystone and Nova
  const dispatcher: Dispatcher | undefined = tlsDispatcher(credentials);
  const auth = createKeystoneAuth({ credentials, fetch: opts.fetch, dispatcher, timeoutMs: opts.timeoutMs });
  return createNovaClient({ ...opts, auth, dispatcher });
}
