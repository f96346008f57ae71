// The HTTP receiver over real HTTP: what Bolt alone would accept but vmlocks refuses (bodies over 64 KiB, signatures
// dated in the future), and that what Slack really sends still passes.
import { request as httpRequest } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SLACK_BODY_LIMIT_BYTES } from '../../src/adapters/slack/http-receiver.js';
import { prepareSlackRequest, slackSignature } from '../support/sign-slack-request.js';
import { SIGNING_SECRET, startHarness, type Harness } from './app-harness.js';

let h: Harness;
beforeEach(async () => { h = await startHarness(); });
afterEach(async () => { await h.close(); });

const nowSec = (): number => Math.floor(Date.now() / 1000);

/** Sends headers (and optionally some chunks) and resolves with the status as soon as the server answers. */
function statusBeforeBodyEnds(url: string, headers: Record<string, string>, chunks: Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const client = httpRequest(url, { method: 'POST', agent: false, headers, timeout: 10_000 });
    client.on('timeout', () => client.destroy(new Error('no answer within 10 s')));
    client.on('error', reject);
    client.on('response', (res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      client.destroy(); // the body is never finished: the answer came first
    });
    client.flushHeaders();
    for (const c of chunks) client.write(c);
  });
}

describe('request bodies', () => {
  it('refuses a Content-Length over 64 KiB with 413 before the body is sent', async () => {
    const ts = nowSec();
    const status = await statusBeforeBodyEnds(h.eventsUrl, {
      'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': String(1024 * 1024),
      'X-Slack-Request-Timestamp': String(ts), 'X-Slack-Signature': slackSignature(SIGNING_SECRET, ts, ''),
    }, []);
    expect(status).toBe(413);
    expect(h.inspect.calls).toEqual([]);
  });

  it('refuses a chunked body with 413 once it passes 64 KiB, without waiting for its end', async () => {
    const ts = nowSec();
    const status = await statusBeforeBodyEnds(h.eventsUrl, {
      'Content-Type': 'application/x-www-form-urlencoded', 'Transfer-Encoding': 'chunked',
      'X-Slack-Request-Timestamp': String(ts), 'X-Slack-Signature': slackSignature(SIGNING_SECRET, ts, ''),
    }, [Buffer.alloc(SLACK_BODY_LIMIT_BYTES + 1024, 'a')]);
    expect(status).toBe(413);
    expect(h.limiter.keys).toEqual([]);
  });

  it('accepts a signed command just under the limit', async () => {
    const req = h.command('vm-1', 'big');
    const padded = prepareSlackRequest(h.eventsUrl, `${req.body}&pad=${'x'.repeat(SLACK_BODY_LIMIT_BYTES - req.body.length - 100)}`, { signingSecret: SIGNING_SECRET });
    expect(Buffer.byteLength(padded.body)).toBeGreaterThan(SLACK_BODY_LIMIT_BYTES - 200);
    const res = await h.send(padded);
    expect(res.status).toBe(200);
  });
});

describe('signature timestamps', () => {
  it('refuses a request signed more than 5 minutes in the future with 401 and calls nothing', async () => {
    const res = await h.send(h.command('vm-1', 'future', { sign: { timestampSec: nowSec() + 6 * 60 } }));
    expect(res.status).toBe(401);
    expect(h.limiter.keys).toEqual([]);
    expect(h.inspect.calls).toEqual([]);
    expect(h.log.lines.some((l) => l.event === 'slack_request_refused' && l.reason === 'timestamp_in_future')).toBe(true);
  });

  it('accepts a request signed a little ahead (clock skew under 5 minutes)', async () => {
    const res = await h.send(h.command('vm-1', 'skew', { sign: { timestampSec: nowSec() + 60 } }));
    expect(res.status).toBe(200);
  });
});
