import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { report, rootDisk, stalePlan, staleLock, disk } from './samples.js';
import { shown, startHarness, type Harness } from './app-harness.js';

let h: Harness;
beforeEach(async () => { h = await startHarness(); });
afterEach(async () => {
  await h.close();
  // Every failure must be handled by a handler: nothing may reach Bolt's error handler.
  expect(h.log.lines.filter((l) => l.msg === 'unhandled error in a Slack listener' || l.component === 'bolt' && Number(l.level) >= 50)).toEqual([]);
});

const staleOutcome = { kind: 'report' as const, report: report('stale', [disk(rootDisk, [staleLock()])]), plan: stalePlan() };

describe('signed requests', () => {
  it('refuses a forged signature with 401 and calls nothing', async () => {
    const res = await h.send(h.command('vm-1', 'forged', { sign: { forgeSignature: true } }));
    expect(res.status).toBe(401);
    expect(h.limiter.keys).toEqual([]);
    expect(h.inspect.calls).toEqual([]);
  });

  it('refuses a request signed more than 5 minutes ago with 401 (replay)', async () => {
    const res = await h.send(h.command('vm-1', 'old', { sign: { timestampSec: Math.floor(Date.now() / 1000) - 6 * 60 } }));
    expect(res.status).toBe(401);
    expect(h.inspect.calls).toEqual([]);
  });
});

describe('/vmlocks', () => {
  it('acknowledges at once, says it is checking, then posts the report in the channel', async () => {
    h.inspect.answer = async () => staleOutcome;
    const res = await h.send(h.command('vm-1', 'inspect'));
    expect(res.status).toBe(200);
    const report = await h.fake.waitForResponse((r) => r.id === 'inspect' && r.body.response_type === 'in_channel');
    const posts = h.fake.responses.filter((r) => r.id === 'inspect');
    expect(posts[0]?.body).toMatchObject({ response_type: 'ephemeral' });
    expect(shown(posts[0]?.body ?? {})).toContain('Checking `vm-1`');
    expect(report.body.text).toBe('STALE: `vm-1`: 1 stale lock on 1 disk; compute-2 is down');
    expect(shown(report.body)).toContain('vmlocks.request_fix');
    expect(h.inspect.calls).toEqual([{ ref: { kind: 'name', name: 'vm-1' }, actor: 'U01REQUEST' }]);
    expect(h.limiter.keys).toEqual(['U01REQUEST']);
  });

  it('answers help only to the user', async () => {
    await h.send(h.command('help', 'help'));
    const post = await h.fake.waitForResponse((r) => r.id === 'help');
    expect(post.body.response_type).toBe('ephemeral');
    expect(shown(post.body)).toContain('/vmlocks &lt;instance name or UUID&gt;');
    expect(h.inspect.calls).toEqual([]);
  });

  it.each([
    ['empty text', '', 'give an instance name or UUID'],
    ['a shell injection', 'vm-1; rm -rf /', 'is not a valid instance name'],
    ['an over-long name', 'vm-'.repeat(100), 'at most 255 characters'],
    ['a malformed UUID', '0cab75e6-1f4b-4c8a-9d5e-3f1a2b7c9e0', 'is not a valid UUID'],
  ])('answers %s with the usage and calls no service', async (_what, text, problem) => {
    await h.send(h.command(text, 'bad'));
    const post = await h.fake.waitForResponse((r) => r.id === 'bad');
    expect(post.body.response_type).toBe('ephemeral');
    expect(shown(post.body)).toContain(problem);
    expect(shown(post.body)).toContain('Usage');
    expect(h.inspect.calls).toEqual([]);
    expect(h.fixes.requestCalls).toEqual([]);
  });

  it('tells a user over the limit when to try again, without inspecting', async () => {
    h.limiter.blocked.set('U05BUSY', 41_200);
    await h.send(h.command('vm-1', 'limited', { userId: 'U05BUSY' }));
    const post = await h.fake.waitForResponse((r) => r.id === 'limited');
    expect(post.body.text).toContain('You have run 10 commands in the last minute; try again in 42 s.');
    expect(post.body.response_type).toBe('ephemeral');
    expect(h.inspect.calls).toEqual([]);
  });

  it('gives a reference on an unexpected failure and logs the error with the same reference', async () => {
    h.inspect.answer = async () => { throw new Error('rbd: connection refused'); };
    await h.send(h.command('vm-1', 'boom'));
    const post = await h.fake.waitForResponse((r) => r.id === 'boom' && String(r.body.text).includes('Could not'));
    const ref = /\(ref ([0-9a-f]{4})\)/.exec(String(post.body.text))?.[1];
    expect(post.body.text).toBe(`:x: Could not check \`vm-1\` (ref ${ref}). Nothing was changed.`);
    const line = h.log.lines.find((l) => l.ref === ref);
    expect(line).toMatchObject({ level: 50, kind: 'inspect', user: 'U01REQUEST' });
    expect(JSON.stringify(line?.err)).toContain('rbd: connection refused');
  });

  it('shows the userMessage of an error meant for users', async () => {
    h.inspect.answer = async () => { throw Object.assign(new Error('caps'), { userMessage: 'client.vmlocks lacks `osd blocklist` caps; grant mon \'profile rbd\'.' }); };
    await h.send(h.command('vm-1', 'user-error'));
    const post = await h.fake.waitForResponse((r) => r.id === 'user-error' && String(r.body.text).startsWith(':x:'));
    expect(post.body.text).toBe(':x: client.vmlocks lacks `osd blocklist` caps; grant mon \'profile rbd\'.');
  });

  it('answers /vmlocks host <host> in the channel with the host summary', async () => {
    h.inspect.hostAnswer = async (host) => ({ kind: 'host_not_found', host });
    await h.send(h.command('host compute-9', 'host'));
    const post = await h.fake.waitForResponse((r) => r.id === 'host' && r.body.response_type === 'in_channel');
    expect(post.body.text).toBe('NOT FOUND: no compute host `compute-9`');
    expect(h.inspect.hostCalls.map((c) => c.host)).toEqual(['compute-9']);
    expect(h.inspect.calls).toEqual([]);
  });

  it('refuses a bad host name with the usage and no service call', async () => {
    await h.send(h.command('host compute-1;reboot', 'bad-host'));
    const post = await h.fake.waitForResponse((r) => r.id === 'bad-host');
    expect(post.body.text).toMatch(/not a valid host name[\s\S]*Usage: `\/vmlocks host &lt;compute-host&gt;`/);
    expect(h.inspect.hostCalls).toEqual([]);
  });
});
