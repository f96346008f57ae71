/**
 * /healthz, /readyz and /metrics. In http mode they are Bolt custom routes on PORT, beside /slack/events; in
 * Socket Mode (no inbound HTTP for Slack) a small node:http server serves them on PORT.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Metrics } from './adapters/observability/metrics.js';

export interface HealthState {
  ready(): boolean;
}

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export function healthRoutes(metrics: Metrics, state: HealthState): Array<{ path: string; method: string[]; handler: Handler }> {
  const text = (res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8') => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  };
  return [
    { path: '/healthz', method: ['GET'], handler: (_req, res) => text(res, 200, 'ok\n') },
    { path: '/readyz', method: ['GET'], handler: (_req, res) => (state.ready() ? text(res, 200, 'ready\n') : text(res, 503, 'starting\n')) },
    {
      path: '/metrics', method: ['GET'], handler: (_req, res) => {
        metrics.registry.metrics().then((body) => text(res, 200, body, metrics.registry.contentType), (e: unknown) => text(res, 500, `${String(e)}\n`));
      },
    },
  ];
}

export async function startHealthServer(port: number, routes: ReturnType<typeof healthRoutes>): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route = routes.find((r) => r.path === path && r.method.includes(req.method ?? 'GET'));
    if (route) route.handler(req, res);
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return server;
}
