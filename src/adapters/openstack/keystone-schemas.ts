/**
 * Keystone v3 token bodies (POST /v3/auth/tokens, 201), as recorded in test/fixtures/nova/keystone-token-*.json.
 * Only what vmlocks reads is required; the rest passes through.
 */
import { z } from 'zod';
import type { AuthMethod, DomainRef, ProjectRef, UserRef } from './credentials.js';

export const CatalogEndpoint = z.object({
  interface: z.string(),
  region_id: z.string().nullish(),
  region: z.string().nullish(),
  url: z.string().url(),
});
export type CatalogEndpoint = z.infer<typeof CatalogEndpoint>;

export const CatalogEntry = z.object({
  type: z.string(),
  name: z.string().optional(),
  endpoints: z.array(CatalogEndpoint),
});
export type CatalogEntry = z.infer<typeof CatalogEntry>;

export const KeystoneTokenBody = z.object({
  token: z.object({
    methods: z.array(z.string()),
    expires_at: z.iso.datetime({ offset: true, local: false, message: 'expected an ISO time' }),
    issued_at: z.iso.datetime({ offset: true }).optional(),
    user: z.object({ id: z.string(), name: z.string() }),
    project: z.object({ id: z.string(), name: z.string() }).optional(),
    roles: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
    catalog: z.array(CatalogEntry).optional(),
  }),
});
export type KeystoneTokenBody = z.infer<typeof KeystoneTokenBody>;

function domain(d: DomainRef): { id: string } | { name: string } {
  return 'id' in d ? { id: d.id } : { name: d.name };
}

function user(u: UserRef): Record<string, unknown> {
  return 'id' in u ? { id: u.id } : { name: u.name, domain: domain(u.domain) };
}

function project(p: ProjectRef): Record<string, unknown> {
  return 'id' in p ? { id: p.id } : { name: p.name, domain: domain(p.domain) };
}

/**
 * The POST /v3/auth/tokens request (keystone-token-password.request.json, keystone-token-appcred.request.json).
 * `projectId` re-scopes a password token to another project; an application credential has its own scope.
 */
export function authRequestBody(method: AuthMethod, projectId?: string): unknown {
  if (method.type === 'application_credential') {
    const cred = 'id' in method ? { id: method.id, secret: method.secret } : { name: method.name, secret: method.secret, user: user(method.user) };
    return { auth: { identity: { methods: ['application_credential'], application_credential: cred } } };
  }
  return {
    auth: {
      identity: { methods: ['password'], password: { user: { ...user(method.user), password: method.password } } },
      scope: { project: projectId === undefined ? project(method.project) : { id: projectId } },
    },
  };
}
