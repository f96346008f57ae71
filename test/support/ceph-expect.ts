/** Awaits a promise that must reject with an error of `cls`, and returns that error for further assertions. */
export async function rejectionOf<T>(work: Promise<unknown>, cls: abstract new (...args: never[]) => T): Promise<T> {
  const outcome = await work.then(
    (value: unknown) => ({ rejected: false as const, value }),
    (error: unknown) => ({ rejected: true as const, error }),
  );
  if (!outcome.rejected) throw new Error(`expected a rejection with ${cls.name}, but it resolved with ${JSON.stringify(outcome.value)}`);
  if (!(outcome.error instanceof cls)) {
    const e = outcome.error;
    throw new Error(`expected ${cls.name}, got ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
  return outcome.error;
}
