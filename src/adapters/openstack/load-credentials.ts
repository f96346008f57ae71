/**
 * Loads OpenStack credentials as python-openstackclient does: OS_CLOUD and clouds.yaml (secure.yaml beside it), or
 * the OS_* variables. A function of (env, readFile) so it is tested without the real home directory.
 */
import { readFile as fsReadFile } from 'node:fs/promises';
import { readCloud, type CloudSettings } from './clouds-yaml.js';
import { collectSettings, CredentialSettings, missingLabel, type Field, type RawSettings } from './credential-settings.js';
import type { AuthMethod, DomainRef, OpenStackCredentials, ProjectRef, ReadTextFile, UserRef } from './credentials.js';
import { OpenStackConfigError } from './errors.js';

type Env = Record<string, string | undefined>;

/** The default ReadTextFile: null for a missing file, the error for anything else (permissions, a directory). */
export const readTextFileIfExists: ReadTextFile = async (path) => {
  try {
    return await fsReadFile(path, 'utf8');
  } catch (e) {
    if (e instanceof Error && Reflect.get(e, 'code') === 'ENOENT') return null;
    throw e;
  }
};

export async function loadOpenStackCredentials(env: Env, readFile: ReadTextFile = readTextFileIfExists, cwd: string = process.cwd()): Promise<OpenStackCredentials> {
  const cloudName = nonEmpty(env.OS_CLOUD);
  // openstacksdk: OS_CLOUD picks a cloud; without it, OS_* variables make the cloud; without them, a clouds.yaml
  // holding a single cloud is used.
  const cloud = cloudName !== null || nonEmpty(env.OS_AUTH_URL) === null ? await readCloud(env, readFile, cwd, cloudName) : null;
  const raw = collectSettings(env, cloud);
  if (raw.values.authUrl === undefined) {
    if (cloud === null) {
      throw new OpenStackConfigError('no_credentials', 'OS_CLOUD',
        'no OpenStack credentials: set OS_CLOUD to a cloud of your clouds.yaml, or OS_AUTH_URL with OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME (or OS_APPLICATION_CREDENTIAL_ID and _SECRET)');
    }
    throw missing('authUrl', cloud, 'expected the URL of Keystone, e.g. https://keystone.example.com:5000/v3');
  }
  const parsed = CredentialSettings.safeParse(raw.values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue?.path[0];
    const key = typeof field === 'string' ? (raw.origins[field as Field] ?? field) : 'OpenStack settings';
    throw new OpenStackConfigError('invalid_config', key, issue?.message ?? 'invalid value');
  }
  const s = parsed.data;
  const caCert = s.cacert === undefined ? null : await readCaCert(readFile, s.cacert, raw, cwd);
  return {
    authUrl: keystoneV3Url(s.authUrl ?? '', raw),
    method: authMethodOf(s, cloud),
    regionName: s.regionName ?? null,
    interface: s.interface ?? 'public',
    caCert,
    insecure: s.insecure === true || s.verify === false,
    source: cloud === null ? 'the OS_* variables' : `cloud "${cloud.name}" in ${cloud.file}`,
  };
}

function nonEmpty(v: string | undefined): string | null {
  return v === undefined || v.trim() === '' ? null : v.trim();
}

function missing(field: Field, cloud: CloudSettings | null, message: string): OpenStackConfigError {
  return new OpenStackConfigError('invalid_config', missingLabel(field, cloud), message);
}

/** keystoneauth discovers the version; vmlocks speaks v3 only and appends /v3 to an unversioned URL. */
function keystoneV3Url(url: string, raw: RawSettings): string {
  const trimmed = url.replace(/\/+$/, '');
  if (/\/v2\.0$/.test(trimmed)) {
    throw new OpenStackConfigError('invalid_config', raw.origins.authUrl ?? 'OS_AUTH_URL', `${url} is Keystone v2.0, which is gone since Queens: use the v3 URL`);
  }
  return /\/v3$/.test(trimmed) ? trimmed : `${trimmed}/v3`;
}

function domainOf(s: CredentialSettings, kind: 'user' | 'project'): DomainRef {
  const id = kind === 'user' ? s.userDomainId : s.projectDomainId;
  const name = kind === 'user' ? s.userDomainName : s.projectDomainName;
  if (id !== undefined) return { id };
  if (name !== undefined) return { name };
  if (s.domainId !== undefined) return { id: s.domainId };
  if (s.domainName !== undefined) return { name: s.domainName };
  // openstackclient's --os-default-domain: 'default' unless set
  return { id: s.defaultDomain ?? 'default' };
}

function userOf(s: CredentialSettings): UserRef | null {
  if (s.userId !== undefined) return { id: s.userId };
  if (s.username !== undefined) return { name: s.username, domain: domainOf(s, 'user') };
  return null;
}

function authMethodOf(s: CredentialSettings, cloud: CloudSettings | null): AuthMethod {
  const isAppCred = s.authType !== undefined
    ? s.authType.endsWith('applicationcredential')
    : s.appCredSecret !== undefined || s.appCredId !== undefined;
  const user = userOf(s);
  if (isAppCred) {
    if (s.appCredSecret === undefined) throw missing('appCredSecret', cloud, 'the application credential\'s secret is required');
    if (s.appCredId !== undefined) return { type: 'application_credential', id: s.appCredId, secret: s.appCredSecret };
    if (s.appCredName === undefined) throw missing('appCredId', cloud, 'expected the application credential\'s id (or its name with the user)');
    if (user === null) throw missing('username', cloud, 'an application credential given by name needs its owner (user name or id)');
    return { type: 'application_credential', name: s.appCredName, secret: s.appCredSecret, user };
  }
  if (user === null) throw missing('username', cloud, 'expected the OpenStack user name (or OS_USER_ID)');
  if (s.password === undefined) throw missing('password', cloud, 'expected the user\'s password');
  let project: ProjectRef;
  if (s.projectId !== undefined) project = { id: s.projectId };
  else if (s.projectName !== undefined) project = { name: s.projectName, domain: domainOf(s, 'project') };
  else throw missing('projectName', cloud, 'expected the project to scope the token to (or OS_PROJECT_ID): Nova needs a project-scoped token');
  return { type: 'password', user, password: s.password, project };
}

async function readCaCert(readFile: ReadTextFile, file: string, raw: RawSettings, cwd: string): Promise<string> {
  const key = raw.origins.cacert ?? 'OS_CACERT';
  const resolved = file.startsWith('/') ? file : `${cwd}/${file}`;
  let pem: string | null;
  try {
    pem = await readFile(resolved);
  } catch (e) {
    throw new OpenStackConfigError('invalid_config', key, `cannot read ${resolved} (${e instanceof Error ? e.message : String(e)})`, { cause: e });
  }
  if (pem === null) throw new OpenStackConfigError('invalid_config', key, `${resolved} does not exist: expected a PEM file of CA certificates`);
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new OpenStackConfigError('invalid_config', key, `${resolved} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`);
  return pem;
}
