// Load shedding for the local server (issue 16, "Overload"): a request runs only when a slot is
// free; beyond that it waits in a bounded FIFO queue for at most a bounded time, and beyond the
// queue it is refused at once with 503 and Retry-After. Work in progress and memory therefore
// stay bounded however many clients arrive, and a client learns quickly when to come back
// instead of waiting on a queue that only grows.

export interface AdmissionLimits {
  /** Requests handled at once. */
  readonly maxActive: number;
  /** Requests waiting for a slot; the next one is refused. */
  readonly maxQueued: number;
  /** A request that waited this long for a slot is refused. */
  readonly queueTimeoutMs: number;
}

/** Why a request was not admitted; the transport turns it into 503 with Retry-After. */
export type Refusal = 'queue-full' | 'queue-timeout';

export interface AdmissionStats {
  readonly active: number;
  readonly queued: number;
  readonly refused: number;
}

export interface AdmissionGate {
  /** Resolves with a release function once admitted, or with the reason it was refused. */
  enter(): Promise<(() => void) | Refusal>;
  stats(): AdmissionStats;
}

interface Waiter {
  readonly admit: (outcome: (() => void) | Refusal) => void;
  readonly timer: NodeJS.Timeout;
  readonly since: number;
}

export function createAdmissionGate(limits: AdmissionLimits): AdmissionGate {
  let active = 0;
  let refused = 0;
  const queue: Waiter[] = [];

  const release = (): void => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      clearTimeout(next.timer);
      // A busy event loop runs timers late: the wait is measured here too.
      if (Date.now() - next.since > limits.queueTimeoutMs) {
        refused += 1;
        next.admit('queue-timeout');
        continue;
      }
      // The slot passes straight to the oldest waiter: `active` is unchanged.
      next.admit(releaseOnce());
      return;
    }
    active -= 1;
  };
  const releaseOnce = (): (() => void) => {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      release();
    };
  };

  return {
    enter: () => {
      if (active < limits.maxActive) {
        active += 1;
        return Promise.resolve(releaseOnce());
      }
      if (queue.length >= limits.maxQueued) {
        refused += 1;
        return Promise.resolve('queue-full');
      }
      return new Promise((resolve) => {
        const waiter: Waiter = {
          admit: resolve,
          since: Date.now(),
          timer: setTimeout(() => {
            const at = queue.indexOf(waiter);
            if (at >= 0) queue.splice(at, 1);
            refused += 1;
            resolve('queue-timeout');
          }, limits.queueTimeoutMs),
        };
        queue.push(waiter);
      });
    },
    stats: () => ({ active, queued: queue.length, refused }),
  };
}
