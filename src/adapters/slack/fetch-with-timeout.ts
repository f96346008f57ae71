/**
 * A fetch with a deadline, for Bolt's clientOptions.fetch: Bolt's respond() posts to response_urls with it and
 * sets no timeout of its own (bolt-js context/create-respond.js), and every external call needs one.
 */
import type { FetchFunction } from '@slack/web-api';

export function fetchWithTimeout(timeoutMs: number): FetchFunction {
  return (url, init) => {
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    return fetch(url, { ...init, signal });
  };
}
