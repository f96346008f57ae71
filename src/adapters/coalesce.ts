/**
 * One call in flight per key, its answer reused for `ttlMs` after it settles; a failure is not reused. The
 * cluster-wide reads of a diagnosis (Ceph's blocklist and pool listing, Nova's hypervisors) go through it, so that
 * 50 concurrent diagnoses make one call each instead of 50.
 */
interface Entry<T> { promise: Promise<T>; settledAt: number | null }

export function coalesce<K, T>(ttlMs: number, now: () => number) {
  const entries = new Map<K, Entry<T>>();
  return {
    get(key: K, load: () => Promise<T>): Promise<T> {
      const hit = entries.get(key);
      if (hit && (hit.settledAt === null || now() - hit.settledAt < ttlMs)) return hit.promise;
      const entry: Entry<T> = { promise: load(), settledAt: null };
      entries.set(key, entry);
      entry.promise.then(
        () => { entry.settledAt = now(); },
        () => { if (entries.get(key) === entry) entries.delete(key); }, // failures are not reused
      );
      return entry.promise;
    },
    drop(key: K): void {
      entries.delete(key);
    },
  };
}
