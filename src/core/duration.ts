/** Durations as operators write them in configuration (`15m`, `90s`, `2h30m`, `500ms`, or plain seconds). */
import { err, ok, type Result } from './result.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;
const PLAIN_SECONDS = /^\d+(?:\.\d+)?$/;

/** Milliseconds (rounded to an integer), or a sentence saying what is wrong with the text. */
export function parseDuration(text: string): Result<number, string> {
  const t = text.trim();
  if (t.length === 0) return err('the duration is empty');
  if (PLAIN_SECONDS.test(t)) return checked(Number(t) * 1000, text);
  let total = 0;
  const seen = new Set<string>();
  PART.lastIndex = 0;
  let end = 0;
  for (let m = PART.exec(t); m !== null; m = PART.exec(t)) {
    const [, amount, unit] = m;
    if (amount === undefined || unit === undefined) break;
    if (seen.has(unit)) return err(`"${text}" gives the unit ${unit} twice`);
    seen.add(unit);
    total += Number(amount) * (UNIT_MS[unit] ?? 0);
    end = PART.lastIndex;
  }
  if (end !== t.length || seen.size === 0) {
    return err(`"${text}" is not a duration: write a number and a unit (ms, s, m, h, d), e.g. 2h30m, or a number of seconds`);
  }
  return checked(total, text);
}

function checked(ms: number, text: string): Result<number, string> {
  if (!Number.isSafeInteger(Math.round(ms))) return err(`"${text}" is too long a duration`);
  return ok(Math.round(ms));
}

/** A duration for people: `350 ms`, `1.2 s`, `42 s`, `3 min 5 s`, `2 h 5 min`. */
export function formatDuration(ms: number): string {
  if (ms < 0) return `-${formatDuration(-ms)}`;
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 9950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  if (seconds < 3600) {
    const s = seconds % 60;
    return s === 0 ? `${Math.floor(seconds / 60)} min` : `${Math.floor(seconds / 60)} min ${s} s`;
  }
  const minutes = Math.round(seconds / 60);
  const min = minutes % 60;
  return min === 0 ? `${Math.floor(minutes / 60)} h` : `${Math.floor(minutes / 60)} h ${min} min`;
}
