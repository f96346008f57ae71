import { describe, expect, it } from 'vitest';
import { findBlocklistEntry, hasZeroNonce, isNewClientOnSameHost, isSameClient } from '../../src/core/client-match.js';
import { blocklistFrom, mustAddr } from './support/fixtures.js';

describe('client addresses', () => {
  it.each([
    ['127.0.0.1:0/340810806', '127.0.0.1:0/340810806', true, false],
    ['127.0.0.1:0/340810806', '127.0.0.1:6800/340810806', true, false],
    ['127.0.0.1:0/340810806', '127.0.0.1:0/1462766980', false, true],
    ['10.240.201.139:0/2318786000', '10.240.201.140:0/2318786000', false, false],
    ['[fd00::1]:0/42', '[FD00::1]:0/42', true, false],
  ])('%s and %s: same client %s, new client on the same host %s', (a, b, same, replaced) => {
    expect(isSameClient(mustAddr(a), mustAddr(b))).toBe(same);
    expect(isNewClientOnSameHost(mustAddr(a), mustAddr(b))).toBe(replaced);
  });

  it('knows a nonce of 0 names no single client', () => {
    expect(hasZeroNonce(mustAddr('10.240.201.139:0/0'))).toBe(true);
    expect(hasZeroNonce(mustAddr('10.240.201.139:0/2318786000'))).toBe(false);
  });
});

describe('findBlocklistEntry', () => {
  const entries = blocklistFrom('blocklist-ls-two-entries.txt');

  it('finds the exact address in the recorded blocklist', () => {
    expect(findBlocklistEntry(mustAddr('127.0.0.1:0/2293725923'), entries)).toEqual({
      entry: { address: '127.0.0.1:0/2293725923', until: '2026-11-25T00:23:19.116982+0000' }, isWholeHost: false,
    });
  });

  it('does not match another client of the same IP', () => {
    expect(findBlocklistEntry(mustAddr('127.0.0.1:0/340810806'), entries)).toBeNull();
  });

  it('matches an IP:0/0 entry, which fences every client of the IP', () => {
    const whole = [{ address: mustAddr('127.0.0.1:0/0'), until: '2026-11-25T00:23:19.116982+0000' }];
    expect(findBlocklistEntry(mustAddr('127.0.0.1:0/340810806'), whole)?.isWholeHost).toBe(true);
  });
});
