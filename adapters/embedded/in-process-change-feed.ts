// The embedded ChangeFeed (DESIGN.md: Ports): committed changes fanned out synchronously, in
// publish order, to the listeners of this process (GraphQL subscriptions, rest-hook
// Subscriptions). The core publishes after the store has acknowledged the commit.
import type { ChangeFeed, ChangeListener, ResourceChange } from '../../core/ports/change-feed';

export interface InProcessChangeFeedOptions {
  /** Told about every listener failure; the failure reaches neither the publisher nor other listeners. */
  readonly onListenerError?: (error: unknown, change: ResourceChange) => void;
}

export class InProcessChangeFeed implements ChangeFeed {
  private listeners: readonly ChangeListener[] = [];
  private readonly queue: ResourceChange[] = [];
  private delivering = false;
  private readonly onListenerError: (error: unknown, change: ResourceChange) => void;

  constructor(options: InProcessChangeFeedOptions = {}) {
    this.onListenerError =
      options.onListenerError ??
      ((error, change) => console.error(`A change listener failed on ${change.resourceType}/${change.id}/_history/${change.versionId}`, error));
  }

  /**
   * Delivers every change to every listener before returning. A listener that publishes in turn
   * has its changes queued behind the current ones, so every listener sees one order.
   */
  async publish(changes: readonly ResourceChange[]): Promise<void> {
    this.queue.push(...changes);
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let change = this.queue.shift(); change !== undefined; change = this.queue.shift()) {
        // A snapshot: listeners added or removed while delivering take effect from the next change.
        for (const listener of this.listeners) this.deliver(listener, change);
      }
    } finally {
      this.delivering = false;
    }
  }

  subscribe(listener: ChangeListener): () => void {
    // A wrapper per subscription, so subscribing one function twice gives two independent subscriptions.
    const subscription: ChangeListener = (change) => listener(change);
    this.listeners = [...this.listeners, subscription];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== subscription);
    };
  }

  private deliver(listener: ChangeListener, change: ResourceChange): void {
    try {
      // An async function is assignable to a void-returning listener; catch its rejection too,
      // or it would surface as an unhandled rejection and stop the process.
      const result: unknown = listener(change);
      if (isPromiseLike(result)) result.then(undefined, (error: unknown) => this.report(error, change));
    } catch (error) {
      this.report(error, change);
    }
  }

  private report(error: unknown, change: ResourceChange): void {
    try {
      this.onListenerError(error, change);
    } catch {
      // The error reporter itself failed; isolation matters more than the report.
    }
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && 'then' in value && typeof value.then === 'function';
}
