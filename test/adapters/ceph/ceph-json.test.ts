import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeCephJson } from '../../../src/adapters/ceph/ceph-json.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/ceph/${name}`, import.meta.url), 'utf8');

describe('decodeCephJson', () => {
  it('decodes only the first of the two arrays `ceph osd blocklist ls --format json` prints, after its empty line', () => {
    expect(decodeCephJson(fixture('blocklist-ls-one-entry.compact.json'))).toEqual({
      ok: true, value: [{ addr: '127.0.0.1:0/340810806', until: '2026-11-25T00:22:27.225614+0000' }],
    });
    expect(decodeCephJson(fixture('blocklist-ls-empty.compact.json'))).toEqual({ ok: true, value: [] });
  });

  it('decodes the first array of the pretty-printed form too', () => {
    const r = decodeCephJson(fixture('blocklist-ls-two-entries.json'));
    expect(r.ok && Array.isArray(r.value) ? r.value.length : -1).toBe(2);
  });

  it('keeps every digit of 64-bit integers by turning them into decimal strings', () => {
    const r = decodeCephJson('{"watchers":[{"address":"10.0.0.1:0/4294967295","client":18446744073709551615,"cookie":9007199254740993}]}');
    expect(r).toEqual({ ok: true, value: { watchers: [{ address: '10.0.0.1:0/4294967295', client: '18446744073709551615', cookie: '9007199254740993' }] } });
  });

  it('leaves digits inside strings, negative integers and fractions as they are', () => {
    expect(decodeCephJson('{"id":"auto 123","n":-4,"f":1.5,"e":2e3,"s":"a\\"1]"}')).toEqual({
      ok: true, value: { id: 'auto 123', n: '-4', f: 1.5, e: 2000, s: 'a"1]' },
    });
  });

  it.each([
    ['', 'empty output'],
    ['\n', 'empty output'],
    ['There is 1 exclusive lock on this image.', 'expected JSON, got "T"'],
    ['[{"id":"auto 1"', 'truncated JSON'],
    ['["abc', 'unterminated string'],
  ])('refuses %j', (text, error) => {
    expect(decodeCephJson(text)).toEqual({ ok: false, error });
  });
});
