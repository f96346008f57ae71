/**
 * Timestamps as Ceph and Nova print them, read without the clock. Nova's `updated_at` has no zone
 * (`2026-11-24T23:46:39.000000`, UTC by convention); Ceph's blocklist `until` has `+0000`; our own are ISO `Z`.
 */

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/i;

/** Milliseconds since the epoch, or null when the text is not a timestamp. A missing zone means UTC. */
export function parseTimestamp(text: string): number | null {
  const m = TIMESTAMP.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const ms = Number((frac ?? '0').padEnd(3, '0').slice(0, 3));
  const utc = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
  if (Number.isNaN(utc)) return null;
  return utc - zoneOffsetMs(zone);
}

function zoneOffsetMs(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4))) * 60_000;
}

/** Milliseconds of an ISO time we produced ourselves; a bad one is a programming error. */
export function isoToMs(iso: string): number {
  const ms = parseTimestamp(iso);
  if (ms === null) throw new RangeError(`not an ISO timestamp: ${iso}`);
  return ms;
}

/**
 * `HH:MM:SSZ` when the time falls on the same UTC day as `reference`, else `YYYY-MM-DD HH:MM:SSZ`.
 * Text that is not a timestamp is returned as it is (a fact is better shown raw than dropped).
 */
export function formatClock(text: string, reference: string): string {
  const ms = parseTimestamp(text);
  if (ms === null) return text;
  const iso = new Date(ms).toISOString(); // 2026-11-24T23:46:39.000Z
  const day = iso.slice(0, 10);
  const clock = `${iso.slice(11, 19)}Z`;
  const refMs = parseTimestamp(reference);
  const refDay = refMs === null ? null : new Date(refMs).toISOString().slice(0, 10);
  return refDay === day ? clock : `${day} ${clock}`;
}
