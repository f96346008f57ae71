/**
 * The evacuation of an instance whose compute host is down, and following it to its end.
 *
 * Microversion, chosen on purpose for this call: the server's highest, capped at 2.94, and at least 2.68.
 * - from 2.68 the `force` parameter is gone: the scheduler always checks the target; vmlocks sends `{}`, so the
 *   scheduler also picks it (no `host`), and `onSharedStorage` (gone since 2.14) is never sent;
 * - from 2.95 Nova evacuates to STOPPED (it boots the guest on the target, then stops it): below, an ACTIVE (or
 *   ERROR) instance ends ACTIVE and a STOPPED one stays stopped, which is what a fix expects.
 * Nova answers 200 with no body (test/fixtures/nova/evacuate-200.mv2.93.http), refuses with 400 while the source's
 * nova-compute is up, and with 409 for a state it does not evacuate (explain-evacuate.ts). The move is followed on
 * the migration record (`accepted` → `pre-migrating` → `done`, or `error`/`failed`), not only on the server: the
 * lab shows the server ACTIVE on the target a few hundred ms before the record is done (evacuate-timeline.txt).
 */
import type { InstanceId } from '../../core/ids.js';
import type { NovaInstanceView } from '../../core/snapshot.js';
import type { EvacuationRecord, HttpRecord, NovaPort } from '../../ports.js';
import { NovaApiError } from './errors.js';
import { explainEvacuateRefusal } from './explain-evacuate.js';
import type { KeystoneAuth } from './keystone-auth.js';
import { atLeast, minVersion, type NovaHttp, type NovaRequest } from './nova-http.js';
import { NovaMigrationList, type NovaMigration } from './nova-schemas.js';
import { actionInServerProject } from './reboot-in-project.js';
import { pollUntil, type PollOptions } from './bounded-poll.js';
import { isActive, label } from './wait-for-active.js';

export const EVACUATE_MIN_MICROVERSION = '2.68';
export const EVACUATE_MAX_MICROVERSION = '2.94';
const ENDED = ['error', 'failed'];

/** The microversion of the evacuation for a server whose highest is `serverMax`, or null when it is below 2.68. */
export function evacuateMicroversion(serverMax: string): string | null {
  const mv = minVersion(serverMax, EVACUATE_MAX_MICROVERSION);
  return atLeast(mv, EVACUATE_MIN_MICROVERSION) ? mv : null;
}

export interface EvacuationDeps {
  http: NovaHttp;
  auth: KeystoneAuth;
  findServer(id: InstanceId): Promise<NovaInstanceView | null>;
  getServer(id: InstanceId, signal?: AbortSignal): Promise<NovaInstanceView>;
  poll?: PollOptions;
}

function toRecord(m: NovaMigration): EvacuationRecord {
  return { id: m.id, status: m.status, sourceCompute: m.source_compute, destCompute: m.dest_compute, createdAt: m.created_at };
}

function tooOld(path: string, serverMax: string): NovaApiError {
  return new NovaApiError({
    method: 'POST', path, code: 'unsupported', status: null, requestId: null, apiMessage: `highest compute microversion ${serverMax}`,
    userMessage: `This Nova speaks compute microversions up to ${serverMax}; vmlocks evacuates at ${EVACUATE_MIN_MICROVERSION} or later ` +
      '(the scheduler checks the target, no force). Evacuate by hand (openstack server evacuate <id>). Nothing was restarted.',
  });
}

export function createEvacuation(deps: EvacuationDeps): Pick<NovaPort, 'evacuate' | 'listEvacuations' | 'waitForEvacuation'> {
  const { http } = deps;

  async function listEvacuations(id: InstanceId, signal?: AbortSignal): Promise<EvacuationRecord[]> {
    const q = new URLSearchParams({ instance_uuid: id, migration_type: 'evacuation' });
    const body = await http.getJson(`/os-migrations?${q.toString()}`, NovaMigrationList, { signal });
    // the filter is Nova's; checked again so that a Nova that ignored it cannot hand back another instance's record
    return body.migrations.filter((m) => m.instance_uuid === id && (m.migration_type ?? 'evacuation') === 'evacuation')
      .map(toRecord).sort((a, b) => a.id - b.id);
  }

  async function evacuate(id: InstanceId): Promise<HttpRecord> {
    const path = `/servers/${id}/action`;
    const serverMax = await http.serverMicroversion();
    const microversion = evacuateMicroversion(serverMax);
    if (microversion === null) throw tooOld(path, serverMax);
    const req: NovaRequest & { body: unknown } = { method: 'POST', path, body: { evacuate: {} }, microversion };
    try {
      const answer = await actionInServerProject(http, deps.auth, req, () => deps.findServer(id));
      return { method: req.method, path, status: answer.status, requestId: answer.requestId, durationMs: answer.durationMs, body: req.body };
    } catch (e) {
      throw explainEvacuateRefusal(e, id);
    }
  }

  const waitForEvacuation: NovaPort['waitForEvacuation'] = async (id, opts) => {
    const transitions: string[] = [];
    const settled = (s: NovaInstanceView) => s.host !== null && s.host !== opts.sourceHost &&
      (opts.expectStopped ? s.status === 'SHUTOFF' && s.taskState === null : isActive(s));
    const failed = (m: EvacuationRecord | null) => m !== null && ENDED.includes(m.status);
    const end = await pollUntil(async (signal) => {
      const records = await listEvacuations(id, signal);
      const migration = records.filter((m) => m.id > opts.afterMigrationId).at(-1) ?? null;
      const server = await deps.getServer(id, signal);
      const seen = `migration ${migration?.status ?? 'not recorded yet'}, server ${label(server)} on ${server.host ?? 'no host'}`;
      if (transitions.at(-1) !== seen) transitions.push(seen);
      return { migration, server };
    }, ({ migration, server }) => failed(migration) || (migration?.status === 'done' && settled(server)), opts, deps.poll);
    if (end.last === null) throw end.lastError ?? new Error(`waitForEvacuation(${id}): no answer from Nova`);
    const { migration, server } = end.last;
    const didFail = end.finished && failed(migration);
    return { reached: end.finished && !didFail, failed: didFail, server, migration, transitions, elapsedMs: end.elapsedMs };
  };

  return { evacuate, listEvacuations: (id) => listEvacuations(id), waitForEvacuation };
}
