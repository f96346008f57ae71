/**
 * Environments that point the bot or the CLI at a Ceph or an OpenStack that cannot be reached: a copy of the lab's
 * ceph.conf whose monitor is a closed port, and a copy of the lab's clouds.yaml whose Keystone is a closed port.
 * Nothing listens on the port (it was free a moment ago), so connections are refused at once.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { freePort, labEnv } from '../../support/bot-process.js';
import { cephLab } from '../../support/ceph-lab.js';
import { CLOUDS, novaLabDir } from '../../support/nova-lab.js';

export interface BrokenEnv {
  env: Record<string, string>;
  /** The closed port everything points at. */
  port: number;
  remove(): void;
}

/** CEPH_CONF with `mon host` on a closed port (the keyring stays the real one: only the cluster is missing). */
export async function unreachableCephEnv(): Promise<BrokenEnv> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'vmlocks-e2e-noceph-'));
  const conf = path.join(dir, 'ceph.conf');
  const real = readFileSync(cephLab().conf, 'utf8');
  const rewritten = real.replace(/^(\s*mon[ _]host\s*=).*$/m, `$1 v1:127.0.0.1:${port}`);
  if (rewritten === real) throw new Error(`no "mon host" line in ${cephLab().conf}`);
  writeFileSync(conf, rewritten);
  // a short timeout keeps the suite quick; the default (10 s) is exercised by the Ceph adapter's own tests
  return { env: { ...labEnv(), CEPH_CONF: conf, VMLOCKS_CEPH_TIMEOUT: '3s' }, port, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

const Clouds = z.object({ clouds: z.record(z.string(), z.object({ auth: z.object({ auth_url: z.string() }).loose() }).loose()) }).loose();

/** OS_CLIENT_CONFIG_FILE whose bot cloud authenticates against a closed port. */
export async function unreachableNovaEnv(): Promise<BrokenEnv> {
  const port = await freePort();
  const dir = mkdtempSync(path.join(tmpdir(), 'vmlocks-e2e-nonova-'));
  const file = path.join(dir, 'clouds.yaml');
  const clouds = Clouds.parse(parseYaml(readFileSync(path.join(novaLabDir(), 'clouds.yaml'), 'utf8')));
  const bot = clouds.clouds[CLOUDS.bot];
  if (bot === undefined) throw new Error(`the lab's clouds.yaml has no cloud ${CLOUDS.bot}`);
  bot.auth.auth_url = `http://127.0.0.1:${port}/v3`;
  writeFileSync(file, stringifyYaml(clouds));
  return { env: { ...labEnv(), OS_CLIENT_CONFIG_FILE: file, VMLOCKS_NOVA_TIMEOUT: '3s' }, port, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
