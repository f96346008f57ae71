/**
 * Text helpers for Slack's `mrkdwn`. Slack treats `&`, `<` and `>` as control characters in every text object
 * (docs.slack.dev, "Formatting text for app surfaces": escaping): `<!channel>`, `<@U…>` and `<url|label>` are live
 * tokens. Anything that came from Ceph, Nova, a user or an error passes through `escapeText` (or `code`, which uses
 * it) before it is placed in any field of a message; mentions are made only by `mention` from ids held as data.
 */
import { sentenceParts, type Sentence } from '../../../core/sentence.js';

// C0 and C1 controls (newline and tab kept), and the bidi overrides/isolates that can make text read backwards.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;

/**
 * THE escaping of external text for Slack: the three control characters become entities and invisible control
 * characters become U+FFFD. Formatting characters (`*_~`) cannot be escaped in mrkdwn; names are shown in code spans
 * (`code`), where they are inert.
 */
export function escapeText(text: string): string {
  return text.replace(CONTROL, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * A code span: external text shown literally (no formatting, no link, no mention inside). A backtick would end the
 * span early, so it is shown as the look-alike U+02CB; line breaks become spaces.
 */
export function code(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ').replace(/`/g, '\u02CB');
  return `\`${escapeText(oneLine)}\``;
}

/** A Sentence (core/sentence.ts) as mrkdwn: literal parts escaped, user references as mentions. */
export function renderSentence(s: Sentence): string {
  return sentenceParts(s).map((p) => (typeof p === 'string' ? escapeText(p) : mention(p.userId))).join('');
}

/** Cuts plain (unescaped) text to `max` characters, marking the cut with an ellipsis. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  // never leave half of a surrogate pair
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}

/**
 * Cuts mrkdwn to `max` characters without breaking an entity (`&amp;`), a Slack token (`<@U1>`, `<!date^…>`,
 * `<url|label>`) or a code span, and marks the cut.
 */
export function truncateMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 1));
  const openToken = cut.lastIndexOf('<');
  if (openToken > cut.lastIndexOf('>')) cut = cut.slice(0, openToken);
  const openEntity = cut.lastIndexOf('&');
  if (openEntity > cut.lastIndexOf(';')) cut = cut.slice(0, openEntity);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  if ((cut.match(/`/g) ?? []).length % 2 === 1) cut = cut.slice(0, cut.lastIndexOf('`'));
  return `${cut}…`;
}

/**
 * Packs lines into as few chunks of at most `max` characters as possible, in order. A single line longer than
 * `max` is cut (truncateMrkdwn) rather than split across chunks.
 */
export function packLines(lines: readonly string[], max: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (const raw of lines) {
    const line = truncateMrkdwn(raw, max);
    if (current === '') current = line;
    else if (current.length + 1 + line.length <= max) current = `${current}\n${line}`;
    else {
      chunks.push(current);
      current = line;
    }
  }
  if (current !== '') chunks.push(current);
  return chunks;
}

/** `1 disk`, `3 disks`. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/** A user mention; the id was validated (U…/W…) where it entered. */
export function mention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : code(userId);
}

/**
 * Joins as many of `lines` as fit in `max` characters; when some do not fit, the last line says how many were
 * left out (`more(n)`), so a reader knows the list is incomplete.
 */
export function fitLines(lines: readonly string[], max: number, more: (left: number) => string): string {
  const all = lines.join('\n');
  if (all.length <= max) return all;
  const kept: string[] = [];
  let used = 0;
  for (const [i, line] of lines.entries()) {
    const closing = more(lines.length - i);
    const needed = used + (kept.length > 0 ? 1 : 0) + line.length;
    if (needed + 1 + closing.length > max) {
      kept.push(closing);
      return truncateMrkdwn(kept.join('\n'), max);
    }
    kept.push(line);
    used = needed;
  }
  return kept.join('\n');
}
