/**
 * TLS settings for Keystone and Nova calls: OS_CACERT (a private CA) and insecure (no check, labs only), as an
 * undici Agent passed to fetch as its dispatcher. Null for the defaults (system CAs, full check).
 */
import { Agent, fetch as undiciFetch, type Dispatcher } from 'undici';
import type { OpenStackCredentials } from './credentials.js';
import type { FetchLike } from './http-call.js';

export function tlsDispatcher(c: Pick<OpenStackCredentials, 'caCert' | 'insecure'>): Dispatcher | undefined {
  if (c.caCert === null && !c.insecure) return undefined;
  return new Agent({ connect: { ...(c.caCert === null ? {} : { ca: c.caCert }), rejectUnauthorized: !c.insecure } });
}

/**
 * undici's own fetch: Node's global fetch bundles another undici version, which need not accept this package's
 * Agent as a dispatcher.
 */
export const defaultFetch: FetchLike = (url, init) => undiciFetch(url, init);
