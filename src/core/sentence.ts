/**
 * Text that vmlocks writes for people (refusals, notices to a requester, outcomes): literal text and references to
 * users kept as data. A chat adapter renders the literal parts escaped and turns only the references into mentions,
 * so a name from Nova or a reason typed by a user can never become a mention, however it is spelled.
 */

/** A user, by id (Slack `U…`/`W…`), to be shown as a mention where the platform has them. */
export interface UserRef {
  readonly userId: string;
}

export type SentencePart = string | UserRef;

/** A plain string (no mentions) or parts; plain strings are always literal text, never markup. */
export type Sentence = string | readonly SentencePart[];

export function userRef(userId: string): UserRef {
  return { userId };
}

function isUserRef(part: unknown): part is UserRef {
  return typeof part === 'object' && part !== null && 'userId' in part;
}

/**
 * Builds a Sentence from a template: `sentence\`denied by ${userRef(id)}: ${reason}\``. Interpolated strings and
 * numbers stay literal text; UserRefs become references; a nested Sentence is spliced in.
 */
export function sentence(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number | UserRef | Sentence>): SentencePart[] {
  const parts: SentencePart[] = [];
  const push = (part: SentencePart): void => {
    const last = parts.at(-1);
    if (typeof part === 'string' && typeof last === 'string') parts[parts.length - 1] = last + part;
    else if (part !== '') parts.push(part);
  };
  strings.forEach((literal, i) => {
    push(literal);
    if (i >= values.length) return;
    const value = values[i];
    if (typeof value === 'number') push(String(value));
    else if (typeof value === 'string' || isUserRef(value)) push(value);
    else if (value !== undefined) for (const p of value) push(p);
  });
  return parts;
}

/** The parts of a Sentence, a plain string being one literal part. */
export function sentenceParts(s: Sentence): readonly SentencePart[] {
  return typeof s === 'string' ? [s] : s;
}

/** For logs, the audit log and terminals: user references as `@U123`. */
export function plainSentence(s: Sentence): string {
  return sentenceParts(s).map((p) => (typeof p === 'string' ? p : `@${p.userId}`)).join('');
}
