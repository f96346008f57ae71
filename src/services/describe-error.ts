/** A one-line description of an error for evidence and audit: the adapter's `userMessage` when it has one. */
export function describeError(e: unknown): string {
  if (e instanceof Error) {
    const userMessage: unknown = Reflect.get(e, 'userMessage');
    const text = typeof userMessage === 'string' && userMessage !== '' ? userMessage : e.message;
    return text.replace(/\s+/g, ' ').trim().slice(0, 500);
  }
  return String(e).slice(0, 500);
}

/** The user-facing message of an error, if the adapter that threw it wrote one (the two tiers of STYLE.md). */
export function userMessageOf(e: unknown): string | undefined {
  if (!(e instanceof Error)) return undefined;
  const userMessage: unknown = Reflect.get(e, 'userMessage');
  return typeof userMessage === 'string' && userMessage !== '' ? userMessage : undefined;
}
