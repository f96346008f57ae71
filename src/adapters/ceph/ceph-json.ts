/**
 * Decoding of `rbd`/`ceph --format json` output, with the quirks recorded on Ceph 16.2.15 (reference/ceph/README.md):
 * - `ceph ... --format json` starts with an empty line;
 * - `ceph osd blocklist ls --format json` prints TWO JSON values back to back (`[...][]`: the address blocklist, then
 *   Pacific's range blocklist), which `JSON.parse` refuses: only the first value is decoded;
 * - watch cookies and client ids are 64-bit integers (`"cookie": 140634274927808`, and they can exceed 2^53): every
 *   bare integer is turned into a decimal string before `JSON.parse`, so that none loses precision. Schemas read
 *   integers as decimal strings.
 */
import { err, ok, type Result } from '../../core/result.js';

const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** Decodes the first JSON value of `text` (leading whitespace skipped, anything after the value ignored). */
export function decodeCephJson(text: string): Result<unknown, string> {
  let i = 0;
  while (i < text.length && /\s/.test(text.charAt(i))) i++;
  const first = text.charAt(i);
  if (first !== '[' && first !== '{') return err(i >= text.length ? 'empty output' : `expected JSON, got "${first}"`);
  let out = '';
  let depth = 0;
  for (; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === '"') {
      const end = endOfString(text, i);
      if (end < 0) return err('unterminated string');
      out += text.slice(i, end + 1);
      i = end;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      NUMBER.lastIndex = i;
      const m = NUMBER.exec(text);
      if (!m) return err(`bad number at offset ${i}`);
      out += /^-?\d+$/.test(m[0]) ? `"${m[0]}"` : m[0];
      i += m[0].length - 1;
    } else {
      out += c;
      if (c === '[' || c === '{') depth++;
      if (c === ']' || c === '}') depth--;
      if (depth === 0) break;
    }
  }
  if (depth !== 0) return err('truncated JSON');
  try {
    return ok(JSON.parse(out));
  } catch (e) {
    return err(e instanceof Error ? e.message : String(e));
  }
}

function endOfString(text: string, start: number): number {
  for (let j = start + 1; j < text.length; j++) {
    const c = text.charAt(j);
    if (c === '\\') j++;
    else if (c === '"') return j;
  }
  return -1;
}
