/**
 * The settings vmlocks reads, where each comes from (an OS_* variable or a clouds.yaml key, as openstackclient
 * names them), and their zod schema. A setting keeps its origin so that an error can name exactly what to fix.
 */
import { z } from 'zod';

/** [setting, OS_* variables (first set wins), clouds.yaml keys under the cloud (first set wins)] */
const FIELDS = [
  ['authUrl', ['OS_AUTH_URL'], ['auth.auth_url']],
  ['authType', ['OS_AUTH_TYPE'], ['auth_type']],
  ['username', ['OS_USERNAME'], ['auth.username']],
  ['userId', ['OS_USER_ID'], ['auth.user_id']],
  ['password', ['OS_PASSWORD'], ['auth.password']],
  ['projectName', ['OS_PROJECT_NAME', 'OS_TENANT_NAME'], ['auth.project_name', 'auth.tenant_name']],
  ['projectId', ['OS_PROJECT_ID', 'OS_TENANT_ID'], ['auth.project_id', 'auth.tenant_id']],
  ['userDomainName', ['OS_USER_DOMAIN_NAME'], ['auth.user_domain_name']],
  ['userDomainId', ['OS_USER_DOMAIN_ID'], ['auth.user_domain_id']],
  ['projectDomainName', ['OS_PROJECT_DOMAIN_NAME'], ['auth.project_domain_name']],
  ['projectDomainId', ['OS_PROJECT_DOMAIN_ID'], ['auth.project_domain_id']],
  ['domainName', ['OS_DOMAIN_NAME'], ['auth.domain_name']],
  ['domainId', ['OS_DOMAIN_ID'], ['auth.domain_id']],
  ['defaultDomain', ['OS_DEFAULT_DOMAIN'], ['auth.default_domain', 'default_domain']],
  ['appCredId', ['OS_APPLICATION_CREDENTIAL_ID'], ['auth.application_credential_id']],
  ['appCredSecret', ['OS_APPLICATION_CREDENTIAL_SECRET'], ['auth.application_credential_secret']],
  ['appCredName', ['OS_APPLICATION_CREDENTIAL_NAME'], ['auth.application_credential_name']],
  ['regionName', ['OS_REGION_NAME'], ['region_name']],
  ['interface', ['OS_INTERFACE', 'OS_ENDPOINT_TYPE'], ['interface', 'endpoint_type']],
  ['cacert', ['OS_CACERT'], ['cacert']],
  ['insecure', ['OS_INSECURE'], ['insecure']],
  ['verify', [], ['verify']],
  ['identityApiVersion', ['OS_IDENTITY_API_VERSION'], ['identity_api_version']],
  ['profile', [], ['profile']],
] as const;

export type Field = (typeof FIELDS)[number][0];

const str = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (typeof v === 'number' ? String(v) : v), schema);
const text = str(z.string({ message: 'expected a text value' }).trim().min(1, 'expected a non-empty value'));
const boolish = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const t = v.trim().toLowerCase();
  return ['true', '1', 'yes'].includes(t) ? true : ['false', '0', 'no', ''].includes(t) ? false : v;
}, z.boolean({ message: 'expected true or false' }));

export const CredentialSettings = z.object({
  authUrl: str(z.string().trim().pipe(z.url({ protocol: /^https?$/, message: 'expected the http(s) URL of Keystone, e.g. https://keystone.example.com:5000/v3' }))).optional(),
  authType: z.enum(['password', 'v3password', 'v3applicationcredential', 'applicationcredential'], {
    message: 'expected password or v3applicationcredential (the methods vmlocks supports)',
  }).optional(),
  username: text.optional(),
  userId: text.optional(),
  password: str(z.string({ message: 'expected a text value' }).min(1, 'expected a non-empty value')).optional(),
  projectName: text.optional(),
  projectId: text.optional(),
  userDomainName: text.optional(),
  userDomainId: text.optional(),
  projectDomainName: text.optional(),
  projectDomainId: text.optional(),
  domainName: text.optional(),
  domainId: text.optional(),
  defaultDomain: text.optional(),
  appCredId: text.optional(),
  appCredSecret: str(z.string({ message: 'expected a text value' }).min(1, 'expected a non-empty value')).optional(),
  appCredName: text.optional(),
  regionName: text.optional(),
  // keystoneauth still takes the old `publicURL` spelling
  interface: z.preprocess((v) => (typeof v === 'string' ? v.trim().replace(/URL$/, '') : v),
    z.enum(['public', 'internal', 'admin'], { message: 'expected public, internal or admin' })).optional(),
  cacert: text.optional(),
  insecure: boolish.optional(),
  verify: boolish.optional(),
  identityApiVersion: str(z.string().trim().regex(/^3(\.\d+)?$/, 'expected 3: vmlocks speaks Keystone v3 only')).optional(),
  profile: z.undefined({ message: 'vendor profiles are not supported: write the auth_url and region into the cloud instead' }).optional(),
});
export type CredentialSettings = z.infer<typeof CredentialSettings>;

export interface RawSettings {
  values: Partial<Record<Field, unknown>>;
  /** Where each value came from, e.g. `OS_PASSWORD` or `clouds.prod.auth.password (/etc/openstack/clouds.yaml)`. */
  origins: Partial<Record<Field, string>>;
}

function lookup(entry: Record<string, unknown>, dotted: string): unknown {
  let node: unknown = entry;
  for (const part of dotted.split('.')) {
    node = typeof node === 'object' && node !== null ? Reflect.get(node, part) : undefined;
  }
  return node;
}

/** The settings of a clouds.yaml entry; the OS_* variables override them (openstackclient's options do the same). */
export function collectSettings(env: Record<string, string | undefined>, cloud: { name: string; file: string; entry: Record<string, unknown> } | null): RawSettings {
  const raw: RawSettings = { values: {}, origins: {} };
  for (const [field, envNames, yamlKeys] of FIELDS) {
    if (cloud !== null) {
      for (const key of yamlKeys) {
        const v = lookup(cloud.entry, key);
        if (v !== undefined && v !== null) {
          raw.values[field] = v;
          raw.origins[field] = `clouds.${cloud.name}.${key} (${cloud.file})`;
          break;
        }
      }
    }
    for (const name of envNames) {
      const v = env[name];
      if (v !== undefined && v !== '') {
        raw.values[field] = v;
        raw.origins[field] = name;
        break;
      }
    }
  }
  return raw;
}

/** What to name for a setting that is missing: the variable, and the clouds.yaml key when a cloud is in use. */
export function missingLabel(field: Field, cloud: { name: string; file: string } | null): string {
  const entry = FIELDS.find((f) => f[0] === field);
  const envName = entry?.[1][0];
  const yamlKey = entry?.[2][0];
  if (cloud === null || yamlKey === undefined) return envName ?? field;
  const inFile = `clouds.${cloud.name}.${yamlKey} (${cloud.file})`;
  return envName === undefined ? inFile : `${inFile} or ${envName}`;
}
