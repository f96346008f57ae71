/**
 * Text helpers for Slack's `mrkdwn`. Slack treats `&`, `<` and `>` as control characters in every text object
 * (docs.slack.dev, "Formatting text for app surfaces": escaping), so anything that came from Ceph, Nova or a user
 * passes through `escapeMrkdwn` before it is placed in a message.
 */

export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A code span. A backtick would end the span early, so a value holding one is shown as escaped plain text. */
export function code(text: string): string {
  const oneLine = text.replace(/[\r\n]+/g, ' ');
  return oneLine.includes('`') ? escapeMrkdwn(oneLine) : `\`${escapeMrkdwn(oneLine)}\``;
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

/**
 * Escapes a sentence written by the services for Slack, keeping user mentions (`<@U123>`) working: the only
 * token passed through, so a name from Nova cannot smuggle `<!channel>` or a link into a message.
 */
export function escapeKeepingMentions(text: string): string {
  return escapeMrkdwn(text).replace(/&lt;@([UW][A-Z0-9]{2,30})&gt;/g, '<@$1>');
}
