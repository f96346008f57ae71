/** Nova bodies (nova-schemas.ts) to the core's views (core/snapshot.ts). */
import { parseInstanceId } from '../../core/ids.js';
import type { ComputeServiceView, NovaInstanceView } from '../../core/snapshot.js';
import type { NovaComputeService, NovaServer } from './nova-schemas.js';

export type ViewResult<T> = { ok: true; value: T } | { ok: false; error: string; code: 'bad_response' | 'insufficient_view' };

export function toInstanceView(s: NovaServer): ViewResult<NovaInstanceView> {
  const id = parseInstanceId(s.id);
  if (!id.ok) return { ok: false, code: 'bad_response', error: `server id: ${id.error}` };
  const host = s['OS-EXT-SRV-ATTR:host'];
  if (host === undefined) {
    // The key is left out, not null: the policy hides it. Without the host, no verdict is possible.
    return {
      ok: false, code: 'insufficient_view',
      error: 'Nova left OS-EXT-SRV-ATTR:host out of the server: the OpenStack user lacks the policy rule os_compute_api:os-extended-server-attributes (see docs/openstack-policy.md)',
    };
  }
  return {
    ok: true,
    value: {
      id: id.value,
      name: s.name ?? '',
      projectId: s.tenant_id ?? null,
      status: s.status,
      vmState: s['OS-EXT-STS:vm_state'] ?? null,
      powerState: s['OS-EXT-STS:power_state'] ?? null,
      taskState: s['OS-EXT-STS:task_state'] ?? null,
      host: host === '' ? null : host,
      hypervisorHostname: s['OS-EXT-SRV-ATTR:hypervisor_hostname'] ?? null,
      hostStatus: s.host_status ?? null,
      // left out (not []) when the policy or the microversion hides it: unknown, not "no volume"
      volumeIds: s['os-extended-volumes:volumes_attached']?.map((v) => v.id) ?? null,
      // Nova's API sets image to "" when the root disk is a volume (nova/api/openstack/compute/views/servers.py)
      bootFromVolume: s.image === '' || s.image === null || s.image === undefined,
    },
  };
}

export function toComputeServiceView(s: NovaComputeService): ComputeServiceView {
  return {
    host: s.host,
    state: s.state,
    status: s.status,
    forcedDown: s.forced_down ?? false,
    updatedAt: s.updated_at === null ? null : utcIso(s.updated_at),
    disabledReason: s.disabled_reason ?? null,
  };
}

/** Nova writes UTC times without a zone ("2026-11-24T23:46:34.000000"). */
function utcIso(text: string): string | null {
  const zoned = /[zZ]|[+-]\d\d:?\d\d$/.test(text) ? text : `${text}Z`;
  const ms = Date.parse(zoned);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}
