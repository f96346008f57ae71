/**
 * A server action (the hard reboot, the evacuation) on a server of any project. Nova finds the server of a server action only in
 * the token's project unless the caller passes `context_is_admin` (nova/db/main/api.py: project_only queries for
 * a non-admin context). So when Nova answers 404 for a server the all-projects listing shows in another project,
 * the action is sent again with a token scoped to that project: the least-privilege set-up gives the bot's role
 * on every project by inheritance (docs/openstack-policy.md). An application credential cannot change project.
 */
import type { NovaInstanceView } from '../../core/snapshot.js';
import { KeystoneError, NovaApiError } from './errors.js';
import type { HttpAnswer } from './http-call.js';
import type { KeystoneAuth } from './keystone-auth.js';
import type { NovaHttp, NovaRequest } from './nova-http.js';

export async function actionInServerProject(
  http: NovaHttp,
  auth: KeystoneAuth,
  req: NovaRequest & { body: unknown },
  find: () => Promise<NovaInstanceView | null>,
): Promise<HttpAnswer> {
  try {
    return await http.send(req);
  } catch (e) {
    if (!(e instanceof NovaApiError && e.status === 404)) throw e;
    const server = await find();
    const own = await auth.token();
    if (server === null || server.projectId === null || server.projectId === own.projectId) throw e;
    const projectId = server.projectId;
    const scoped = await scopedToken(auth, projectId);
    if (scoped === null) throw cannotRescope(e, server, auth.credentials.source);
    return http.send({ ...req, token: { get: async () => (await scopedToken(auth, projectId)) ?? scoped } });
  }
}

async function scopedToken(auth: KeystoneAuth, projectId: string) {
  try {
    return await auth.tokenForProject(projectId);
  } catch (e) {
    if (!(e instanceof KeystoneError && e.status === 401)) throw e;
    throw new KeystoneError({
      method: e.method, path: e.path, code: e.code, status: e.status, requestId: e.requestId, apiMessage: e.apiMessage, cause: e,
      userMessage: `Nova acts on a server only in its own project (${projectId}) for a non-admin, and Keystone gives the bot's ` +
        'user no token there: grant the bot\'s role on every project by inheritance ' +
        '(openstack role add --user <bot user> --user-domain <domain> --domain <domain> --inherited <role>; see docs/openstack-policy.md).',
    });
  }
}

function cannotRescope(e: NovaApiError, server: NovaInstanceView, source: string): NovaApiError {
  return new NovaApiError({
    method: e.method, path: e.path, code: e.code, status: e.status, requestId: e.requestId, apiMessage: e.apiMessage, cause: e,
    userMessage: `Nova acts on ${server.name} (${server.id}) only in its own project ${server.projectId ?? ''} for a non-admin, and ` +
      `the application credential of ${source} is bound to its own project. Use password credentials of a user holding the bot's ` +
      'role on every project (inherited), or credentials that pass context_is_admin (see docs/openstack-policy.md).',
  });
}
