/**
 * The read helper's environment: only what Ceph's client and Python need (CEPH_CONF, CEPH_KEYRING, CEPH_ARGS,
 * PATH, locale), never the bot's secrets (SLACK_*, OS_* credentials). `extra` (the adapter's `env` option) wins, and
 * an `undefined` in it removes the variable, as for the CLIs.
 */
const PASSED = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'CEPH_CONF', 'CEPH_KEYRING', 'CEPH_ARGS'];

export function helperEnv(parent: NodeJS.ProcessEnv, extra: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of PASSED) {
    const value = name in extra ? extra[name] : parent[name];
    if (value !== undefined) out[name] = value;
  }
  for (const [name, value] of Object.entries(extra)) if (value !== undefined && name.startsWith('CEPH_')) out[name] = value;
  return out;
}
