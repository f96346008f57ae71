// /healthz, /readyz and /metrics on their own listener (METRICS_PORT on METRICS_HOST), over real HTTP; and the Slack
// app's http listener (PORT) answering /slack/events only: a real GET of PORT/metrics is 404.
import { networkInterfaces } from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createMetrics } from '../src/adapters/observability/metrics.js';
import { healthRoutes, startHealthServer, type MetricsListener } from '../src/health-server.js';
import { startHarness, type Harness } from './slack/app-harness.js';

const opened: MetricsListener[] = [];
let harness: Harness | undefined;
afterEach(async () => {
  await Promise.all(opened.splice(0).map((l) => l.close()));
  await harness?.close();
  harness = undefined;
});

async function listen(host = '127.0.0.1', state = { ready: true }): Promise<MetricsListener> {
  const metrics = createMetrics();
  metrics.commands.inc({ kind: 'inspect' });
  const l = await startHealthServer({ port: 0, host }, healthRoutes(metrics, { ready: () => state.ready }));
  opened.push(l);
  return l;
}

const get = (url: string, method = 'GET') => fetch(url, { method, signal: AbortSignal.timeout(5_000) });

describe('the metrics listener', () => {
  it('serves /healthz, /readyz and Prometheus text on /metrics, and nothing else', async () => {
    const state = { ready: false };
    const l = await listen('127.0.0.1', state);
    const base = `http://127.0.0.1:${l.port}`;
    expect(l.port).toBeGreaterThan(0);
    expect([(await get(`${base}/healthz`)).status, (await get(`${base}/healthz`, 'HEAD')).status]).toEqual([200, 200]);
    expect((await get(`${base}/readyz`)).status).toBe(503);
    state.ready = true;
    expect(await (await get(`${base}/readyz`)).text()).toBe('ready\n');
    const metrics = await get(`${base}/metrics`);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toMatch(/^vmlocks_commands_total\{kind="inspect"\} 1$/m);
    for (const [path, method] of [['/slack/events', 'POST'], ['/', 'GET'], ['/metrics', 'POST'], ['/metricsx', 'GET']] as const) {
      expect((await get(`${base}${path}`, method)).status, `${method} ${path}`).toBe(404);
    }
  });

  it('listens on METRICS_HOST only: bound to 127.0.0.1, it does not answer on the host\'s other addresses', async () => {
    const other = Object.values(networkInterfaces()).flat().find((a) => a !== undefined && a.family === 'IPv4' && !a.internal);
    const l = await listen('127.0.0.1');
    expect(l.server.address()).toMatchObject({ address: '127.0.0.1', port: l.port });
    if (other === undefined) return; // a machine with loopback only: the bound address above is the check
    await expect(get(`http://${other.address}:${l.port}/healthz`)).rejects.toThrow();
  });

  it('says which variables to change when the port is taken', async () => {
    const first = await listen();
    const metrics = createMetrics();
    await expect(startHealthServer({ port: first.port, host: '127.0.0.1' }, healthRoutes(metrics, { ready: () => true })))
      .rejects.toThrow(/127\.0\.0\.1:\d+[\s\S]*EADDRINUSE[\s\S]*METRICS_PORT/);
  });
});

describe('the Slack app in http mode (PORT)', () => {
  it('answers /slack/events only: /metrics, /healthz and /readyz are 404 there', async () => {
    harness = await startHarness();
    const base = harness.eventsUrl.replace(/\/slack\/events$/, '');
    for (const path of ['/metrics', '/healthz', '/readyz']) {
      const res = await get(`${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toMatch(/vmlocks_/);
    }
    const unsigned = await fetch(harness.eventsUrl, { method: 'POST', body: 'x=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(unsigned.status).toBe(401);
  });
});
