import { describe, expect, it } from 'vitest';
import { formatClock, isoToMs, parseTimestamp } from '../../src/core/time-format.js';

describe('parseTimestamp', () => {
  it.each([
    ['2026-11-24T23:46:39.000000', Date.UTC(2026, 10, 24, 23, 46, 39)], // Nova updated_at: no zone, UTC
    ['2026-11-24T23:46:39Z', Date.UTC(2026, 10, 24, 23, 46, 39)],
    ['2026-11-25T00:22:27.225614+0000', Date.UTC(2026, 10, 25, 0, 22, 27, 225)], // Ceph blocklist until
    ['2026-11-25T02:22:27+02:00', Date.UTC(2026, 10, 25, 0, 22, 27)],
    ['2026-11-24 23:46:39', Date.UTC(2026, 10, 24, 23, 46, 39)],
  ])('reads %j', (text, ms) => {
    expect(parseTimestamp(text)).toBe(ms);
  });

  it.each(['', 'yesterday', '2026-11-24', '24/11/2026 23:46'])('returns null for %j', (text) => {
    expect(parseTimestamp(text)).toBeNull();
  });

  it('throws on an ISO time of our own that is not one', () => {
    expect(() => isoToMs('soon')).toThrow(RangeError);
  });
});

describe('formatClock', () => {
  it.each([
    ['2026-11-24T02:14:07Z', '2026-11-24T02:20:00Z', '02:14:07Z'],
    ['2026-11-24T23:46:39.000000', '2026-11-24T23:47:10.000Z', '23:46:39Z'],
    ['2026-11-25T00:22:27.225614+0000', '2026-11-24T23:47:10.000Z', '2026-11-25 00:22:27Z'],
    ['2026-11-23T23:59:59Z', '2026-11-24T00:00:01Z', '2026-11-23 23:59:59Z'],
    ['not a time', '2026-11-24T00:00:01Z', 'not a time'],
  ])('writes %j seen at %j as %j', (text, reference, expected) => {
    expect(formatClock(text, reference)).toBe(expected);
  });
});
