/**
 * The real NovaClient pointed at the fake Nova server (fake-nova-server.ts), as the recorded-answer tests use it:
 * admin credentials of the fake Keystone, the microversion of the recordings (the fake has no version document to
 * negotiate with), short timeouts and polls.
 */
import { createKeystoneAuth, createNovaClient, loadOpenStackCredentials, type NovaClient } from '../../src/adapters/openstack/index.js';
import type { PollOptions } from '../../src/adapters/openstack/bounded-poll.js';
import { parseInstanceId, type InstanceId } from '../../src/core/ids.js';
import type { FakeNova } from './fake-nova-server.js';

export interface FakeClientOptions {
  microversion?: string;
  timeoutMs?: number;
  password?: string;
  pageSize?: number;
  poll?: PollOptions;
}

export async function fakeNovaClient(fake: FakeNova, opts: FakeClientOptions = {}): Promise<NovaClient> {
  const env = { OS_AUTH_URL: fake.authUrl, OS_USERNAME: 'admin', OS_PASSWORD: opts.password ?? 'pw', OS_PROJECT_NAME: 'admin', OS_REGION_NAME: 'RegionOne' };
  const credentials = await loadOpenStackCredentials(env, async () => null, '/');
  const timeoutMs = opts.timeoutMs ?? 5000;
  const auth = createKeystoneAuth({ credentials, timeoutMs });
  return createNovaClient({ auth, microversion: opts.microversion ?? '2.93', timeoutMs, pageSize: opts.pageSize, poll: opts.poll });
}

/** A recorded server's id, parsed as the bot parses ids. */
export function instanceId(text: string): InstanceId {
  const r = parseInstanceId(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}
