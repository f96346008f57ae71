/**
 * Nova compute API bodies vmlocks reads (shapes recorded from nova 26 in test/fixtures/nova/*). Only the fields
 * vmlocks uses are declared; admin-only fields are optional because the policy decides whether they appear.
 */
import { z } from 'zod';

/** GET {compute endpoint}: the version document; `version` is the highest microversion ("" before 2.1). */
export const NovaVersionDocument = z.object({
  version: z.object({ id: z.string(), status: z.string(), version: z.string(), min_version: z.string() }),
});
export type NovaVersionDocument = z.infer<typeof NovaVersionDocument>;

const Link = z.object({ rel: z.string(), href: z.string() });

export const NovaServer = z.object({
  id: z.string(),
  // a server of a cell that is down comes back partial, without a name (microversion >= 2.69)
  name: z.string().optional(),
  status: z.string(),
  tenant_id: z.string().optional(),
  'OS-EXT-STS:vm_state': z.string().nullish(),
  // nova/compute/power_state.py: 0 NOSTATE, 1 RUNNING, 3 PAUSED, 4 SHUTDOWN, 6 CRASHED, 7 SUSPENDED
  'OS-EXT-STS:power_state': z.number().int().nullish(),
  'OS-EXT-STS:task_state': z.string().nullish(),
  // absent (not null) when os_compute_api:os-extended-server-attributes denies it
  'OS-EXT-SRV-ATTR:host': z.string().nullish(),
  'OS-EXT-SRV-ATTR:hypervisor_hostname': z.string().nullish(),
  host_status: z.string().nullish(),
  'os-extended-volumes:volumes_attached': z.array(z.object({ id: z.string() })).optional(),
  // "" for a server booted from a volume
  image: z.union([z.literal(''), z.object({ id: z.string() })]).nullish(),
});
export type NovaServer = z.infer<typeof NovaServer>;

export const NovaServerList = z.object({
  servers: z.array(NovaServer),
  // present when there may be more: rel "next" with limit and marker
  servers_links: z.array(Link).optional(),
});
export type NovaServerList = z.infer<typeof NovaServerList>;

export const NovaComputeService = z.object({
  binary: z.string(),
  host: z.string(),
  status: z.enum(['enabled', 'disabled']),
  state: z.enum(['up', 'down']),
  // UTC without a zone: "2026-11-24T23:46:34.000000"
  updated_at: z.string().nullable(),
  disabled_reason: z.string().nullish(),
  // microversion >= 2.11
  forced_down: z.boolean().optional(),
});
export type NovaComputeService = z.infer<typeof NovaComputeService>;

export const NovaServiceList = z.object({ services: z.array(NovaComputeService) });
export type NovaServiceList = z.infer<typeof NovaServiceList>;

export const NovaHypervisor = z.object({
  hypervisor_hostname: z.string(),
  host_ip: z.string().nullish(),
  state: z.string().optional(),
  service: z.object({ host: z.string() }).optional(),
});
export type NovaHypervisor = z.infer<typeof NovaHypervisor>;

export const NovaHypervisorList = z.object({ hypervisors: z.array(NovaHypervisor), hypervisors_links: z.array(z.object({ rel: z.string(), href: z.string() })).optional() });
export type NovaHypervisorList = z.infer<typeof NovaHypervisorList>;

/**
 * One record of GET /os-migrations (test/fixtures/nova/os-migrations-evacuation-*). An evacuation's status goes
 * accepted → pre-migrating → done, or ends error (no host found) / failed (the rebuild failed on the target).
 */
export const NovaMigration = z.object({
  id: z.number().int(),
  // microversion >= 2.59
  uuid: z.string().optional(),
  status: z.string(),
  migration_type: z.string().optional(),
  instance_uuid: z.string(),
  source_compute: z.string().nullable(),
  dest_compute: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string().nullable(),
});
export type NovaMigration = z.infer<typeof NovaMigration>;

export const NovaMigrationList = z.object({ migrations: z.array(NovaMigration), migrations_links: z.array(Link).optional() });
export type NovaMigrationList = z.infer<typeof NovaMigrationList>;

export const HostIp = z.union([z.ipv4(), z.ipv6()]);
