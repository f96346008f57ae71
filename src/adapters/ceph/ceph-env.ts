/**
 * The environment of every Ceph process vmlocks starts (the `rbd`/`ceph` CLIs and the read helper): only what Ceph's
 * clients and Python need (CEPH_CONF, CEPH_KEYRING, CEPH_ARGS, PATH, locale), never the bot's secrets (SLACK_*,
 * OS_* credentials). The processes are started with `extendEnv: false`, so this is their whole environment. `extra`
 * (the adapter's `env` option, set by code, never read from the environment) is added as given, and an `undefined`
 * in it removes the variable.
 */
const PASSED = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'CEPH_CONF', 'CEPH_KEYRING', 'CEPH_ARGS'];

export function cephProcessEnv(parent: NodeJS.ProcessEnv, extra: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED) {
    const value = name in extra ? extra[name] : parent[name];
    if (value !== undefined) out[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined) out[name] = value;
  return out;
}
