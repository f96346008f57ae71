/**
 * Counts and times every call of a port (Ceph CLIs, Nova API) in Prometheus: `vmlocks_external_calls_total`
 * by system, operation and outcome (`ok`, `timeout`, `error`), and `vmlocks_external_call_seconds`.
 */
import type { Metrics } from './metrics.js';

function outcomeOf(error: unknown): 'timeout' | 'error' {
  if (!(error instanceof Error)) return 'error';
  const code: unknown = Reflect.get(error, 'code');
  return code === 'timed_out' || code === 'timeout' || /Timeout/.test(error.name) ? 'timeout' : 'error';
}

export function instrumentPort<T extends object>(system: 'ceph' | 'nova', port: T, metrics: Metrics): T {
  return new Proxy(port, {
    get(target, prop, receiver) {
      const member: unknown = Reflect.get(target, prop, receiver);
      if (typeof member !== 'function' || typeof prop !== 'string') return member;
      return async (...args: unknown[]): Promise<unknown> => {
        const op = prop;
        const stop = metrics.externalCallSeconds.startTimer({ system, op });
        try {
          const value: unknown = await Reflect.apply(member, target, args);
          metrics.externalCalls.inc({ system, op, outcome: 'ok' });
          return value;
        } catch (e) {
          metrics.externalCalls.inc({ system, op, outcome: outcomeOf(e) });
          throw e;
        } finally {
          stop();
        }
      };
    },
  });
}
