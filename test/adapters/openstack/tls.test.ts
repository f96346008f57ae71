// OS_CACERT and insecure against a real TLS server with a private CA (made with openssl for the test).
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeystoneAuth, KeystoneError, type OpenStackCredentials } from '../../../src/adapters/openstack/index.js';
import { fixture } from '../../support/fake-nova-server.js';

let dir = '';
let ca = '';
let server: Server;
let authUrl = '';

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'vmlocks-tls-'));
  const f = (n: string) => path.join(dir, n);
  const openssl = (args: string[]) => execa('openssl', args, { timeout: 30_000 });
  await openssl(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=vmlocks test CA', '-keyout', f('ca.key'), '-out', f('ca.pem')]);
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', f('server.key'), '-out', f('server.csr')]);
  await execa('bash', ['-c', 'printf "subjectAltName=IP:127.0.0.1\\n" > "$1"', '_', f('ext.cnf')]);
  await openssl(['x509', '-req', '-in', f('server.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-days', '1', '-extfile', f('ext.cnf'), '-out', f('server.pem')]);
  ca = await readFile(f('ca.pem'), 'utf8');
  const token = fixture('keystone-token-password.json') as { token: Record<string, unknown> };
  token.token.issued_at = new Date().toISOString();
  token.token.expires_at = new Date(Date.now() + 3_600_000).toISOString();
  server = createServer({ key: await readFile(f('server.key')), cert: await readFile(f('server.pem')) }, (_req, res) => {
    res.writeHead(201, { 'content-type': 'application/json', 'x-subject-token': 'tls-token' });
    res.end(JSON.stringify(token));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  authUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}/v3`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function creds(tls: { caCert: string | null; insecure: boolean }): OpenStackCredentials {
  return { authUrl, regionName: null, interface: 'public', source: 'test', ...tls, method: { type: 'application_credential', id: 'a', secret: 's' } };
}

describe('TLS to Keystone', () => {
  it('refuses a certificate from a CA the system does not know', async () => {
    const e = await createKeystoneAuth({ credentials: creds({ caCert: null, insecure: false }) }).token().catch((x: unknown) => x);
    expect(e).toBeInstanceOf(KeystoneError);
    expect(e).toMatchObject({ code: 'unreachable' });
    expect((e as KeystoneError).userMessage).toMatch(/OS_CACERT/);
  });

  it('trusts the CA given by OS_CACERT', async () => {
    expect((await createKeystoneAuth({ credentials: creds({ caCert: ca, insecure: false }) }).token()).value).toBe('tls-token');
  });

  it('skips the check when insecure is set', async () => {
    expect((await createKeystoneAuth({ credentials: creds({ caCert: null, insecure: true }) }).token()).value).toBe('tls-token');
  });
});
