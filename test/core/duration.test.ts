import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from '../../src/core/duration.js';

describe('parseDuration', () => {
  it.each([
    ['15m', 900_000], ['90s', 90_000], ['1h', 3_600_000], ['500ms', 500], ['2h30m', 9_000_000], ['1h30m15s', 5_415_000],
    ['1d', 86_400_000], ['30', 30_000], ['1.5', 1500], ['0.5s', 500], [' 15m ', 900_000], ['0s', 0], ['1m500ms', 60_500],
  ])('reads %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toEqual({ ok: true, value: ms });
  });

  it.each([
    ['', 'the duration is empty'],
    ['15x', '"15x" is not a duration: write a number and a unit (ms, s, m, h, d), e.g. 2h30m, or a number of seconds'],
    ['m15', '"m15" is not a duration: write a number and a unit (ms, s, m, h, d), e.g. 2h30m, or a number of seconds'],
    ['-5m', '"-5m" is not a duration: write a number and a unit (ms, s, m, h, d), e.g. 2h30m, or a number of seconds'],
    ['15 m', '"15 m" is not a duration: write a number and a unit (ms, s, m, h, d), e.g. 2h30m, or a number of seconds'],
    ['1m1m', '"1m1m" gives the unit m twice'],
    ['99999999999999999999d', '"99999999999999999999d" is too long a duration'],
  ])('refuses %j with a clear error', (text, error) => {
    expect(parseDuration(text)).toEqual({ ok: false, error });
  });
});

describe('formatDuration', () => {
  it.each([
    [0, '0 ms'], [350, '350 ms'], [999.4, '999 ms'], [999.6, '1.0 s'], [1234, '1.2 s'], [9940, '9.9 s'], [9960, '10 s'],
    [42_000, '42 s'], [59_600, '1 min'], [185_000, '3 min 5 s'], [180_000, '3 min'], [3_600_000, '1 h'],
    [7_500_000, '2 h 5 min'], [-1500, '-1.5 s'],
  ])('writes %d ms as %j', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
