import { describe, expect, it } from 'vitest';
import {
  encodeInstanceButtonValue, encodeRequestButtonValue, InstanceButtonValue, parseJsonValue, RequestButtonValue,
} from '../../src/adapters/slack/button-values.js';
import { formatArgv, formatDuration, shellQuote, slackDate } from '../../src/adapters/slack/blocks/format.js';
import { code, escapeText, fitLines, packLines, renderSentence, truncateMrkdwn } from '../../src/adapters/slack/blocks/mrkdwn.js';
import { sentence, userRef } from '../../src/core/sentence.js';
import { instanceId } from './samples.js';

describe('shell quoting for display', () => {
  it.each([
    ['client.14326', 'client.14326'],
    ['auto 140479119252688', `'auto 140479119252688'`],
    [`it's`, `'it'\\''s'`],
    ['', `''`],
    ['$(reboot)', `'$(reboot)'`],
  ])('quotes %j as %s', (arg, shown) => expect(shellQuote(arg)).toBe(shown));

  it('joins an argv with each element quoted only where a shell would need it', () => {
    expect(formatArgv(['rbd', 'lock', 'rm', 'vms/x_disk', 'auto 1', 'client.2'])).toBe(`rbd lock rm vms/x_disk 'auto 1' client.2`);
  });
});

describe('mrkdwn text', () => {
  it('escapes the three control characters of Slack', () => expect(escapeText('a<b>&c')).toBe('a&lt;b&gt;&amp;c'));
  it('replaces invisible control and bidi characters', () => expect(escapeText('a\u0007b\u202Ec\nd')).toBe('a\uFFFDb\uFFFDc\nd'));
  it('keeps a value with a backtick in one code span, the backtick shown as a look-alike', () => expect(code('a`b<')).toBe('`a\u02CBb&lt;`'));
  it('makes mentions only from user references, never from text that looks like one', () => {
    const name = '<@U0BOSS0001> <!channel>';
    expect(renderSentence(sentence`${name} was denied by ${userRef('U0ALICE001')}`))
      .toBe('&lt;@U0BOSS0001&gt; &lt;!channel&gt; was denied by <@U0ALICE001>');
    expect(renderSentence('asked by <@U0BOSS0001>')).toBe('asked by &lt;@U0BOSS0001&gt;');
  });
  it('never cuts inside an entity or a Slack token', () => {
    expect(truncateMrkdwn('abc &amp; def', 7)).toBe('abc …');
    expect(truncateMrkdwn('see <@U0123ABCD> now', 10)).toBe('see …');
  });
  it('packs lines into chunks within the limit, in order', () => {
    expect(packLines(['aaaa', 'bbbb', 'cc'], 9)).toEqual(['aaaa\nbbbb', 'cc']);
  });
  it('ends a list that does not fit with how many lines were left out', () => {
    const text = fitLines(['one', 'two', 'three', 'four'], 17, (n) => `+${n} more`);
    expect(text).toBe('one\ntwo\n+2 more');
    expect(text.length).toBeLessThanOrEqual(17);
  });
});

describe('times', () => {
  it('formats dates for each reader with a UTC fallback', () => {
    expect(slackDate('2026-11-24T23:46:39Z')).toBe('<!date^1795563999^{date_short_pretty} at {time_secs}|2026-11-24T23:46:39Z>');
  });
  it.each([[340, '340 ms'], [1200, '1.2 s'], [125_000, '2 min 5 s'], [3_780_000, '1 h 3 min']])('formats %d ms as %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe('button values', () => {
  it('reads back the instance id it wrote', () => {
    const parsed = parseJsonValue(InstanceButtonValue, encodeInstanceButtonValue(instanceId));
    expect(parsed).toEqual({ ok: true, value: { instanceId } });
  });
  it('reads back the request id it wrote', () => {
    expect(parseJsonValue(RequestButtonValue, encodeRequestButtonValue('01JDX4'))).toEqual({ ok: true, value: { requestId: '01JDX4' } });
  });
  it.each([
    ['not json', 'not json'],
    ['a bad UUID', JSON.stringify({ instanceId: '0cab75e6-zzzz' })],
    ['an extra field', JSON.stringify({ instanceId, plan: 'rm -rf /' })],
  ])('refuses %s', (_what, raw) => expect(parseJsonValue(InstanceButtonValue, raw).ok).toBe(false));
  it('refuses a request id with mark-up', () => {
    expect(parseJsonValue(RequestButtonValue, JSON.stringify({ requestId: '<!channel>' })).ok).toBe(false);
  });
});
