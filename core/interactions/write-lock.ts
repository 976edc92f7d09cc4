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
