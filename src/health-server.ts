/**
 * /healthz, /readyz and /metrics on their own listener, METRICS_PORT on METRICS_HOST, in both Slack modes: never on
 * the public listener of /slack/events (http mode), so that a load balancer or a Slack Connect peer that reaches
 * PORT cannot read the metrics, and Prometheus and the probes need no route to the Slack endpoint.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Metrics } from './adapters/observability/metrics.js';

export interface HealthState {
  ready(): boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
export interface HealthRoute { path: string; method: string[]; handler: Handler }

export function healthRoutes(metrics: Metrics, state: HealthState): HealthRoute[] {
  const text = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  return [
    { path: '/healthz', method: ['GET', 'HEAD'], handler: (_req, res) => text(res, 200, 'ok\n') },
    { path: '/readyz', method: ['GET', 'HEAD'], handler: (_req, res) => (state.ready() ? text(res, 200, 'ready\n') : text(res, 503, 'starting\n')) },
    {
      path: '/metrics', method: ['GET'], handler: (_req, res) => {
        metrics.registry.metrics().then((body) => text(res, 200, body, metrics.registry.contentType), (e: unknown) => text(res, 500, `${String(e)}\n`));
      },
    },
  ];
}

export interface MetricsListener {
  server: Server;
  /** The port it listens on (the one asked for, or the one the system gave for 0). */
  port: number;
  close(): Promise<void>;
}

/** Listens on `host:port`; anything but the routes (and their methods) is 404. Rejects when the port is taken. */
export async function startHealthServer(listen: { port: number; host: string }, routes: HealthRoute[]): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((r) => r.path === path && r.method.includes(req.method ?? 'GET'));
    if (route) route.handler(req, res);
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  // a scrape or a probe is small and quick: no slow client holds a socket for long
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      reject(new Error(`cannot listen on ${listen.host}:${listen.port} for /healthz, /readyz and /metrics (${e.code ?? e.message}): ` +
        'set METRICS_PORT to a free port, or METRICS_HOST to an address of this host'));
    });
    server.listen(listen.port, listen.host, () => resolve());
  });
  const address = server.address();
  return {
    server,
    port: typeof address === 'object' && address !== null ? address.port : listen.port,
    close: () => new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); }),
  };
}
