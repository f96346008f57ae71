// What is inside the shipped image, read from its filesystem (podman image mount, read-only): the app is the
// compiled code and its production dependencies only; no Ceph keyring, no credentials, no database, and not the
// build machine's CA certificates (they reach `npm ci` through a build-time mount, never a layer).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesUnder, mountImage } from './support/podman.js';

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { devDependencies: Record<string, string>; dependencies: Record<string, string> };
const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { dev?: boolean }> };
let root: string;
let unmount: () => Promise<void>;

beforeAll(async () => {
  ({ root, unmount } = await mountImage());
});
afterAll(async () => { await unmount?.(); });

/** The body (base64 only) of each PEM certificate of a file. */
function pemBodies(text: string): string[] {
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----([\s\S]*?)-----END CERTIFICATE-----/g)].map((m) => (m[1] ?? '').replace(/\s+/g, ''));
}

describe('the image filesystem', () => {
  it('holds in /app only the compiled code, the production dependencies, package.json and manifest.yml', () => {
    expect(readdirSync(path.join(root, 'app')).sort()).toEqual(['dist', 'manifest.yml', 'node_modules', 'package.json']);
    expect(existsSync(path.join(root, 'app/dist/cli.js'))).toBe(true);
    expect(filesUnder(root, 'app/dist').filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
    // what src/ holds besides TypeScript (e.g. the Ceph read helper, a Python script) ships in dist/
    const assets = filesUnder('.', 'src').filter((f) => !f.endsWith('.ts')).map((f) => f.replace(/^src\//, 'app/dist/'));
    expect(assets.filter((f) => !existsSync(path.join(root, f)))).toEqual([]);
  });

  it('has every production dependency and no dev-only package of the lock file (no vitest, typescript, tsx, eslint)', () => {
    const modules = path.join(root, 'app/node_modules');
    for (const dep of Object.keys(pkg.dependencies)) expect(existsSync(path.join(modules, dep)), dep).toBe(true);
    const devOnly = Object.entries(lock.packages).filter(([key, p]) => key !== '' && p.dev === true).map(([key]) => key);
    expect(devOnly.length).toBeGreaterThan(50);
    expect(devOnly.filter((key) => existsSync(path.join(root, 'app', key)))).toEqual([]);
    for (const tool of ['vitest', 'typescript', 'tsx', 'eslint', 'esbuild', 'vite']) {
      expect(existsSync(path.join(modules, tool)), tool).toBe(false);
    }
  });

  it('holds no Ceph keyring or key anywhere, and /etc/ceph has no configuration of its own', () => {
    const everywhere = ['app', 'etc', 'home', 'root', 'data', 'tmp', 'var', 'opt', 'srv', 'usr/local'].flatMap((d) => filesUnder(root, d));
    expect(everywhere.filter((f) => /\.keyring$|^etc\/ceph\/ceph\.client\./.test(f))).toEqual([]);
    const withKey = everywhere.filter((f) => {
      if (!/^(app\/(?!node_modules)|etc|home|root|data|var\/lib\/ceph)/.test(f)) return false;
      return /^\s*key\s*=\s*AQ[A-Za-z0-9+/]{30,}={0,2}\s*$/m.test(readFileSync(path.join(root, f), 'latin1'));
    });
    expect(withKey).toEqual([]);
    expect(filesUnder(root, 'etc/ceph').filter((f) => f !== 'etc/ceph/rbdmap')).toEqual([]);
  });

  it('holds no credentials or database: no clouds.yaml, .env, SQLite file, and an empty /data', () => {
    const suspicious = ['app', 'etc', 'home', 'root', 'data', 'tmp', 'opt', 'srv', 'run']
      .flatMap((d) => filesUnder(root, d))
      .filter((f) => /(^|\/)(clouds\.yaml|secure\.yaml|\.env(\..*)?|[^/]*\.env|[^/]*\.db|[^/]*\.sqlite3?|\.npmrc|id_rsa|id_ed25519)$/.test(f))
      .filter((f) => !f.startsWith('app/node_modules/'));
    expect(suspicious).toEqual([]);
    expect(readdirSync(path.join(root, 'data'))).toEqual([]);
  });

  it('does not carry the build machine\'s extra CA certificates', () => {
    const extra = existsSync('/usr/local/share/ca-certificates')
      ? readdirSync('/usr/local/share/ca-certificates').filter((f) => f.endsWith('.crt'))
        .flatMap((f) => pemBodies(readFileSync(path.join('/usr/local/share/ca-certificates', f), 'utf8')))
      : [];
    const inImage = [...filesUnder(root, 'etc/ssl'), ...filesUnder(root, 'usr/local/share/ca-certificates'), ...filesUnder(root, 'run')]
      .flatMap((f) => pemBodies(readFileSync(path.join(root, f), 'latin1')));
    expect(extra.filter((body) => inImage.includes(body))).toEqual([]);
    const everywhere = ['app', 'etc', 'run', 'tmp', 'root', 'home', 'usr/local'].flatMap((d) => filesUnder(root, d));
    expect(everywhere.filter((f) => /extra-ca|\/secrets\//.test(f))).toEqual([]);
  });
});
