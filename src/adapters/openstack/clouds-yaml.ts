/**
 * Finds and reads a cloud from clouds.yaml (and secure.yaml) the way openstacksdk, and so python-openstackclient,
 * does (openstack/config/loader.py): OS_CLIENT_CONFIG_FILE first, then `clouds.{yaml,yml,json}` in the current
 * directory, ~/.config/openstack and /etc/openstack; the first file found wins. secure.yaml (same places, or
 * OS_CLIENT_SECURE_FILE) is merged over it, so that passwords can live apart.
 */
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { ReadTextFile } from './credentials.js';
import { OpenStackConfigError } from './errors.js';

const CloudEntry = z.record(z.string(), z.unknown());
const CloudsFile = z.object({ clouds: z.record(z.string(), CloudEntry, { message: 'expected a map of cloud names to settings' }) });
type CloudsFile = z.infer<typeof CloudsFile>;
const SecureFile = z.object({ clouds: z.record(z.string(), CloudEntry).optional() });

export interface CloudSettings {
  name: string;
  /** The cloud's entry with secure.yaml merged in. */
  entry: Record<string, unknown>;
  file: string;
}

type Env = Record<string, string | undefined>;

export function searchPaths(env: Env, cwd: string, base: 'clouds' | 'secure'): string[] {
  const home = env.HOME ?? '/root';
  const userDir = path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'openstack');
  const dirs = [cwd, userDir, '/etc/openstack'];
  const override = base === 'clouds' ? env.OS_CLIENT_CONFIG_FILE : env.OS_CLIENT_SECURE_FILE;
  const files = dirs.flatMap((d) => ['.yaml', '.yml', '.json'].map((ext) => path.join(d, `${base}${ext}`)));
  return override !== undefined && override !== '' ? [path.resolve(cwd, override), ...files] : files;
}

async function firstFile(readFile: ReadTextFile, paths: string[]): Promise<{ file: string; text: string } | null> {
  for (const file of paths) {
    let text: string | null;
    try {
      text = await readFile(file);
    } catch (e) {
      throw new OpenStackConfigError('invalid_config', file, `cannot read it (${e instanceof Error ? e.message : String(e)})`, { cause: e });
    }
    if (text !== null) return { file, text };
  }
  return null;
}

function parseFile<T>(file: string, text: string, schema: z.ZodType<T>): T {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new OpenStackConfigError('invalid_config', file, `is not valid YAML (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  const r = schema.safeParse(doc ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` at ${issue.path.join('.')}`;
    throw new OpenStackConfigError('invalid_config', file, `${issue?.message ?? 'unexpected content'}${where}`);
  }
  return r.data;
}

/**
 * The cloud named `name` (OS_CLOUD), or the only cloud of the file when `name` is null and it has one. Null when no
 * clouds file exists and no name was asked for.
 */
export async function readCloud(env: Env, readFile: ReadTextFile, cwd: string, name: string | null): Promise<CloudSettings | null> {
  const paths = searchPaths(env, cwd, 'clouds');
  const found = await firstFile(readFile, paths);
  if (found === null) {
    if (name === null) return null;
    throw new OpenStackConfigError('cloud_not_found', 'OS_CLOUD', `cloud "${name}" asked for, but no clouds.yaml was found (looked in ${paths.join(', ')})`);
  }
  const clouds: CloudsFile = parseFile(found.file, found.text, CloudsFile);
  const names = Object.keys(clouds.clouds);
  const chosen = name ?? (names.length === 1 ? names[0] : undefined);
  if (chosen === undefined) return null;
  const entry = clouds.clouds[chosen];
  if (entry === undefined) {
    throw new OpenStackConfigError('cloud_not_found', 'OS_CLOUD', `no cloud "${chosen}" in ${found.file} (it has: ${names.join(', ') || 'none'})`);
  }
  const secure = await firstFile(readFile, searchPaths(env, cwd, 'secure'));
  const secret = secure === null ? undefined : parseFile(secure.file, secure.text, SecureFile).clouds?.[chosen];
  return { name: chosen, entry: secret === undefined ? entry : mergeDeep(entry, secret), file: found.file };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function mergeDeep(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(b) && isRecord(v) ? mergeDeep(b, v) : v;
  }
  return out;
}
