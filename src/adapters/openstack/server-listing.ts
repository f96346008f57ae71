/**
 * GET /servers/detail of all projects, page by page, with the filters checked again on our side: Nova drops the
 * admin-only filters (host, uuid) without a word when os_compute_api:servers:allow_all_filters denies them
 * (nova/api/openstack/compute/servers.py remove_invalid_options), and its `name` filter is a regular expression.
 */
import type { NovaInstanceView } from '../../core/snapshot.js';
import { NovaApiError } from './errors.js';
import type { NovaHttp } from './nova-http.js';
import { NovaServerList, type NovaServer } from './nova-schemas.js';
import { toInstanceView } from './nova-views.js';

export interface ListFilter {
  /** Query parameters for Nova (all_tenants is always added). */
  query: Record<string, string>;
  /** The same filter, exactly, on our side. */
  keep: (s: NovaInstanceView) => boolean;
  /** Set for filters Nova may drop silently: a server outside it means Nova ignored the filter. */
  mustHonour?: string;
}

const MAX_PAGES = 200;

export async function listServers(http: NovaHttp, filter: ListFilter, pageSize: number, signal?: AbortSignal): Promise<NovaInstanceView[]> {
  const out: NovaInstanceView[] = [];
  let marker: string | null = null;
  for (let page = 0; page < MAX_PAGES; page++) {
    const q = new URLSearchParams({ all_tenants: '1', ...filter.query, limit: String(pageSize) });
    if (marker !== null) q.set('marker', marker);
    const path = `/servers/detail?${q.toString()}`;
    const body = await http.getJson(path, NovaServerList, { signal });
    for (const server of body.servers) {
      const s = viewOf(server, path);
      if (filter.keep(s)) out.push(s);
      else if (filter.mustHonour !== undefined) throw filterIgnored(path, filter.mustHonour);
    }
    marker = nextMarker(body.servers_links);
    if (marker === null || body.servers.length === 0) return out;
  }
  throw new NovaApiError({
    method: 'GET', path: '/servers/detail', code: 'bad_response', status: null, requestId: null,
    apiMessage: `more than ${MAX_PAGES} pages of ${pageSize} servers`,
    userMessage: `Nova kept returning pages of servers (more than ${MAX_PAGES * pageSize}); vmlocks stopped following them. Report this.`,
  });
}

/** The marker of the `next` link (its host may be Nova's internal name: only the marker is taken from it). */
export function nextMarker(links: ReadonlyArray<{ rel: string; href: string }> | undefined): string | null {
  const next = links?.find((l) => l.rel === 'next');
  if (next === undefined) return null;
  try {
    return new URL(next.href, 'http://nova.invalid').searchParams.get('marker');
  } catch {
    return null;
  }
}

function filterIgnored(path: string, filter: string): NovaApiError {
  return new NovaApiError({
    method: 'GET', path, code: 'insufficient_view', status: 200, requestId: null,
    apiMessage: `the answer holds servers outside the ${filter} filter`,
    userMessage: `Nova ignored the ${filter} filter: the OpenStack user lacks the policy rule os_compute_api:servers:allow_all_filters ` +
      '(see docs/openstack-policy.md).',
  });
}

/** Parses a listed server into the core's view, or throws the coded error that says why it cannot. */
export function viewOf(s: NovaServer, path: string): NovaInstanceView {
  const v = toInstanceView(s);
  if (v.ok) return v.value;
  throw new NovaApiError({
    method: 'GET', path, code: v.code, status: 200, requestId: null, apiMessage: v.error,
    userMessage: v.code === 'insufficient_view' ? v.error : `Nova sent a server vmlocks does not understand (${v.error}). Report it.`,
  });
}

// Nova matches `name` as a regular expression (MySQL REGEXP, PostgreSQL ~, Python re for SQLite) and, with
// MySQL's default collation, without regard to case: anchor it and escape every metacharacter, then compare
// exactly on our side.
export function exactNamePattern(name: string): string {
  return `^${name.replace(/[\\^$.*+?()[\]{}|-]/g, '\\$&')}$`;
}

export const byName = (name: string): ListFilter => ({ query: { name: exactNamePattern(name) }, keep: (s) => s.name === name });

export const byId = (id: string): ListFilter => ({ query: { uuid: id }, keep: (s) => s.id === id, mustHonour: 'uuid' });

export const byHost = (host: string): ListFilter => ({ query: { host }, keep: (s) => s.host === host, mustHonour: 'host' });
