/**
 * Counts the bot's calls to the real Nova lab at the network boundary: a forwarder on 127.0.0.1 in front of Keystone
 * and one in front of Nova, each recording every request (method, path) and passing it on unchanged. The bot gets a
 * copy of the lab's clouds.yaml whose auth_url is the Keystone forwarder, and the forwarders rewrite the upstream
 * URLs in the answers (the token's service catalog, Nova's links) to their own, so that every request the bot makes
 * to OpenStack crosses them. The bot's own metrics are not involved: a call they forgot to count is still seen here.
 */
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { z } from 'zod';
import { CLOUDS, novaLabDir } from './nova-lab.js';

export type OpenStackService = 'keystone' | 'nova';
export interface ProxiedRequest { service: OpenStackService; method: string; path: string; at: number }

export interface CountingOpenStack {
  /** OS_CLIENT_CONFIG_FILE (and OS_CLOUD) for the bot. */
  env: Record<string, string>;
  /** Every request so far, in arrival order. */
  requests(service?: OpenStackService): ProxiedRequest[];
  close(): Promise<void>;
}

const NOVA_ORIGIN = 'http://127.0.0.1:8774';
const Clouds = z.object({ clouds: z.record(z.string(), z.object({ auth: z.object({ auth_url: z.string() }).loose() }).loose()) }).loose();

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Forwards one request to `upstream` and answers with its answer, `rewrite` applied to the body. */
function forward(upstream: string, req: IncomingMessage, res: ServerResponse, rewrite: (body: string) => string): void {
  const { 'accept-encoding': _plain, host: _host, ...headers } = req.headers;
  const target = new URL(req.url ?? '/', upstream);
  const out = httpRequest(target, { method: req.method, headers: { ...headers, host: target.host }, timeout: 60_000 }, (answer) => {
    const chunks: Buffer[] = [];
    answer.on('data', (c: Buffer) => chunks.push(c));
    answer.on('end', () => {
      const body = Buffer.from(rewrite(Buffer.concat(chunks).toString('utf8')), 'utf8');
      const { 'content-length': _length, 'transfer-encoding': _chunked, connection: _c, ...answerHeaders } = answer.headers;
      res.writeHead(answer.statusCode ?? 502, { ...answerHeaders, 'content-length': String(body.length) });
      res.end(body);
    });
  });
  out.on('timeout', () => out.destroy(new Error('upstream timeout')));
  out.on('error', (e) => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
    res.end(`counting proxy: ${e.message}\n`);
  });
  req.pipe(out);
}

/** Starts both forwarders and writes the clouds.yaml that points the bot's cloud at them. */
export async function startCountingOpenStack(): Promise<CountingOpenStack> {
  const seen: ProxiedRequest[] = [];
  const labYaml = path.join(novaLabDir(), 'clouds.yaml');
  const clouds = Clouds.parse(parseYaml(readFileSync(labYaml, 'utf8')));
  const cloud = clouds.clouds[CLOUDS.bot];
  if (cloud === undefined) throw new Error(`${labYaml} has no cloud ${CLOUDS.bot}`);
  const keystoneOrigin = new URL(cloud.auth.auth_url).origin;

  let novaProxy = '';
  let keystoneProxy = '';
  const toProxies = (body: string): string => body.replaceAll(NOVA_ORIGIN, novaProxy).replaceAll(keystoneOrigin, keystoneProxy);
  const handler = (service: OpenStackService, upstream: string) => (req: IncomingMessage, res: ServerResponse) => {
    seen.push({ service, method: req.method ?? 'GET', path: req.url ?? '/', at: Date.now() });
    forward(upstream, req, res, toProxies);
  };
  const nova = createServer(handler('nova', NOVA_ORIGIN));
  const keystone = createServer(handler('keystone', keystoneOrigin));
  novaProxy = await listen(nova);
  keystoneProxy = await listen(keystone);

  const dir = mkdtempSync(path.join(tmpdir(), 'vmlocks-e2e-counting-os-'));
  const file = path.join(dir, 'clouds.yaml');
  cloud.auth.auth_url = cloud.auth.auth_url.replace(keystoneOrigin, keystoneProxy);
  writeFileSync(file, stringifyYaml(clouds), { mode: 0o600 });

  const close = (s: Server) => new Promise<void>((resolve) => { s.closeAllConnections(); s.close(() => resolve()); });
  return {
    env: { OS_CLIENT_CONFIG_FILE: file, OS_CLOUD: CLOUDS.bot },
    requests: (service) => seen.filter((r) => service === undefined || r.service === service),
    async close() {
      await Promise.all([close(nova), close(keystone)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
