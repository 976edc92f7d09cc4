import type { ResourceStore } from '../ports/resource-store';

/**
 * Serializes read-modify-write cycles on one resource within this process, so that concurrent
 * updates without If-Match queue instead of failing each other's optimistic check over and
 * over. The store's version check stays the guard across processes (several Lambdas); this
 * only removes needless conflicts inside one.
 */
const locksByStore = new WeakMap<ResourceStore, Map<string, Promise<unknown>>>();

export async function withResourceLock<T>(store: ResourceStore, key: string, work: () => Promise<T>): Promise<T> {
  let locks = locksByStore.get(store);
  if (locks === undefined) {
    locks = new Map();
    locksByStore.set(store, locks);
  }
  const previous = locks.get(key) ?? Promise.resolve();
  const run = previous.then(work, work);
  const tail = run.then(() => undefined, () => undefined);
  locks.set(key, tail);
  try {
    return await run;
  } finally {
    if (locks.get(key) === tail) locks.delete(key);
  }
}

/** Runs `work` holding every lock of `keys`, taken in sorted order so two holders never deadlock. */
export function withResourceLocks<T>(store: ResourceStore, keys: readonly string[], work: () => Promise<T>): Promise<T> {
  const sorted = [...new Set(keys)].sort();
  const nest = (i: number): Promise<T> => (i === sorted.length ? work() : withResourceLock(store, sorted[i] as string, () => nest(i + 1)));
  return nest(0);
}

/**
 * The lock of a conditional create's criteria (http.html#ccreate): the search for a match and the
 * create must not interleave with another conditional create on the same criteria, or both find
 * nothing and both create (issue 16, "Concurrency"). Parameters are sorted so that the same
 * criteria in another order share the lock. Within one process; see RELIABILITY.md for the limit.
 */
export function conditionalCreateLockKey(tenant: string, resourceType: string, query: string): string {
  const params = new URLSearchParams(query.includes('?') ? query.slice(query.indexOf('?') + 1) : query);
  params.sort();
  return `conditional-create:${tenant}/${resourceType}?${params.toString()}`;
}
