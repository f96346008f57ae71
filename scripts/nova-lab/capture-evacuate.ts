// Records Nova's real answers around an evacuation into test/fixtures/nova/ (never edited by hand), as the vmlocks
// bot (least-privilege role) with a token scoped to the server's project:
//   evacuate-400-source-up      POST {"evacuate":{}} while the source's nova-compute is up
//   evacuate-200                the accepted evacuation (status, headers, body) once the source is down
//   os-migrations-evacuation-*  the migration record at each status seen, then `done`
//   server-show-after-evacuate  the server on its new host
//   evacuate-409-paused         a PAUSED server on the dead host (Nova evacuates only active, stopped, error)
// and, in the timeline, a server stuck in HARD_REBOOT (a reboot sent to the dead host) evacuated: Nova 26.2
// accepts it (check_instance_state(task_state=None), the fix of Launchpad bug 1978983); older releases answer 409.
//   evacuate-timeline.txt       what was seen, with times since the POST
// Usage (the lab must be up; takes the lab lock, kills compute-1 for about a minute and starts it again):
//   flock /tmp/vmlocks-lab.lock node --import tsx scripts/nova-lab/capture-evacuate.ts [microversion]
import { mkdirSync, writeFileSync } from 'node:fs';
import { z } from 'zod';
import { createKeystoneAuth, loadOpenStackCredentials } from '../../src/adapters/openstack/index.js';
import { CLOUDS, findNovaLab, startCompute, stopCompute, uniqueName } from '../../test/support/nova-lab.js';

const MV = process.argv[2] ?? '2.93';
const OUT = new URL('../../test/fixtures/nova/', import.meta.url);
mkdirSync(OUT, { recursive: true });
const lab = await findNovaLab();
const auth = createKeystoneAuth({ credentials: await loadOpenStackCredentials(lab.envFor(CLOUDS.bot)) });
const timeline: string[] = [];

function save(name: string, body: string): void {
  writeFileSync(new URL(name, OUT), body.endsWith('\n') ? body : `${body}\n`);
  console.log(`saved ${name}`);
}
const pretty = (text: string) => (text === '' ? '' : JSON.stringify(JSON.parse(text), null, 2));

async function asBot(method: string, path: string, projectId: string, body?: unknown) {
  const token = await auth.tokenForProject(projectId);
  const headers: Record<string, string> = {
    'X-Auth-Token': token?.value ?? '', 'OpenStack-API-Version': `compute ${MV}`, 'X-OpenStack-Nova-API-Version': MV,
  };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const t0 = performance.now();
  const res = await fetch(`http://127.0.0.1:8774/v2.1${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(30_000) });
  const text = await res.text();
  return { status: res.status, text, ms: Math.round(performance.now() - t0), headers: res.headers };
}

function httpRecord(method: string, path: string, r: { status: number; text: string; headers: Headers }): string {
  const keep = ['content-type', 'content-length', 'openstack-api-version', 'x-openstack-nova-api-version', 'vary'];
  const headers = [...r.headers.entries()].filter(([k]) => keep.includes(k)).map(([k, v]) => `${k}: ${v}`);
  return [`# ${method} ${path}  (OpenStack-API-Version: compute ${MV})`, `HTTP ${r.status}`, ...headers, '', r.text].join('\n');
}

const Server = z.object({ server: z.object({ tenant_id: z.string(), status: z.string(), 'OS-EXT-STS:task_state': z.string().nullable(), 'OS-EXT-SRV-ATTR:host': z.string().nullable() }) });
const Migrations = z.object({ migrations: z.array(z.object({ status: z.string() })) });

async function boot(prefix: string): Promise<{ id: string; project: string }> {
  const id = await lab.admin.bootServer(uniqueName(prefix), 'compute-1', lab.imageId);
  await lab.admin.waitServer(id, 'ACTIVE', 120_000);
  const s = Server.parse((await lab.admin.call('GET', `/servers/${id}`)).json).server;
  return { id, project: s.tenant_id };
}

const a = await boot('vmlt-capture-evac');
const b = await boot('vmlt-capture-stuck');
const c = await boot('vmlt-capture-paused');
const pause = await lab.admin.call('POST', `/servers/${c.id}/action`, { pause: null });
if (pause.status !== 202) throw new Error(`pause: ${pause.status}`);
await lab.admin.waitServer(c.id, 'PAUSED');
const evacuate = (s: { id: string; project: string }) => asBot('POST', `/servers/${s.id}/action`, s.project, { evacuate: {} });
try {
  const up = await evacuate(a);
  save(`evacuate-400-source-up.mv${MV}.json`, pretty(up.text));
  timeline.push(`source up: POST evacuate -> ${up.status} in ${up.ms} ms`);

  const killed = Date.now();
  await stopCompute(lab, 'compute-1');
  timeline.push(`compute-1 killed; Nova says down after ${Date.now() - killed} ms`);

  // b: a hard reboot queued to the dead compute leaves it in HARD_REBOOT / rebooting_hard
  const reboot = await asBot('POST', `/servers/${b.id}/action`, b.project, { reboot: { type: 'HARD' } });
  timeline.push(`stuck server: POST reboot HARD -> ${reboot.status}`);
  const before = Server.parse((await lab.admin.call('GET', `/servers/${b.id}`)).json).server;
  const stuck = await evacuate(b);
  timeline.push(`stuck server (${before.status}/${before['OS-EXT-STS:task_state'] ?? 'None'}): POST evacuate -> ${stuck.status} in ${stuck.ms} ms`);
  const paused = await evacuate(c);
  save(`evacuate-409-paused.mv${MV}.json`, pretty(paused.text));
  timeline.push(`paused server: POST evacuate -> ${paused.status} in ${paused.ms} ms`);

  const migPath = `/os-migrations?instance_uuid=${a.id}&migration_type=evacuation`;
  save(`os-migrations-evacuation-none.mv${MV}.json`, pretty((await asBot('GET', migPath, a.project)).text));
  const t0 = performance.now();
  const accepted = await evacuate(a);
  save(`evacuate-200.mv${MV}.http`, httpRecord('POST', `/servers/${a.id}/action`, accepted));
  timeline.push(`POST evacuate -> ${accepted.status} in ${accepted.ms} ms, body ${JSON.stringify(accepted.text)}`);
  const seen = new Set<string>();
  let last = '';
  for (let i = 0; i < 600; i++) {
    const m = await asBot('GET', migPath, a.project);
    const s = Server.parse((await lab.admin.call('GET', `/servers/${a.id}`)).json).server;
    const status = Migrations.parse(JSON.parse(m.text)).migrations[0]?.status ?? 'none';
    if (!seen.has(status)) {
      seen.add(status);
      save(`os-migrations-evacuation-${status}.mv${MV}.json`, pretty(m.text));
    }
    const line = `migration ${status}, server ${s.status}/${s['OS-EXT-STS:task_state'] ?? 'None'} on ${s['OS-EXT-SRV-ATTR:host'] ?? '-'}`;
    if (line !== last) timeline.push(`+${Math.round(performance.now() - t0)} ms: ${line}`);
    last = line;
    if ((status === 'done' || status === 'error' || status === 'failed') && s['OS-EXT-STS:task_state'] === null) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  await lab.admin.waitServer(b.id, 'ACTIVE', 60_000);
  const moved = Server.parse((await lab.admin.call('GET', `/servers/${b.id}`)).json).server;
  timeline.push(`stuck server after its evacuation: ${moved.status}/${moved['OS-EXT-STS:task_state'] ?? 'None'} on ${moved['OS-EXT-SRV-ATTR:host'] ?? '-'}`);
  save(`servers-detail-after-evacuate.mv${MV}.json`, pretty((await asBot('GET', `/servers/detail?all_tenants=1&uuid=${a.id}`, a.project)).text));
} finally {
  const back = Date.now();
  await startCompute(lab, 'compute-1');
  timeline.push(`compute-1 started again; up in Nova after ${Date.now() - back} ms`);
  await lab.admin.deleteServers([a.id, b.id, c.id]);
  save('evacuate-timeline.txt', [`# scripts/nova-lab/capture-evacuate.ts on the Zed lab, ${new Date().toISOString().slice(0, 10)}`, ...timeline].join('\n'));
}
