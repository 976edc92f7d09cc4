import type { ResourceChange } from '../../core/ports/change-feed';
import { InProcessChangeFeed } from './in-process-change-feed';

function change(id: string, versionId = '1'): ResourceChange {
  return { tenant: 't1', action: 'create', resourceType: 'Patient', id, versionId, lastUpdated: '2024-01-01T00:00:00.000Z', resource: { resourceType: 'Patient', id } };
}

const ids = (changes: readonly ResourceChange[]): string[] => changes.map((c) => `${c.id}/${c.versionId}`);

describe('InProcessChangeFeed', () => {
  test('delivers every change to every listener, in publish order, before publish resolves', async () => {
    const feed = new InProcessChangeFeed();
    const first: ResourceChange[] = [];
    const second: ResourceChange[] = [];
    feed.subscribe((c) => first.push(c));
    feed.subscribe((c) => second.push(c));

    await feed.publish([change('a'), change('b')]);
    await feed.publish([change('a', '2')]);

    expect(ids(first)).toEqual(['a/1', 'b/1', 'a/2']);
    expect(ids(second)).toEqual(['a/1', 'b/1', 'a/2']);
  });

  test('a throwing listener neither stops the others nor fails the publisher, and is reported', async () => {
    const reported: string[] = [];
    const feed = new InProcessChangeFeed({ onListenerError: (error, c) => reported.push(`${c.id}: ${String(error)}`) });
    const received: ResourceChange[] = [];
    feed.subscribe(() => {
      throw new Error('boom');
    });
    feed.subscribe((c) => received.push(c));

    await expect(feed.publish([change('a'), change('b')])).resolves.toBeUndefined();

    expect(ids(received)).toEqual(['a/1', 'b/1']);
    expect(reported).toEqual(['a: Error: boom', 'b: Error: boom']);
  });

  test('a rejecting async listener is reported, not left as an unhandled rejection', async () => {
    const reported: unknown[] = [];
    const feed = new InProcessChangeFeed({ onListenerError: (error) => reported.push(error) });
    feed.subscribe(async () => {
      throw new Error('async boom');
    });

    await feed.publish([change('a')]);
    await new Promise((resolve) => setImmediate(resolve));

    expect(reported).toEqual([new Error('async boom')]);
  });

  test('unsubscribe stops delivery to that listener only', async () => {
    const feed = new InProcessChangeFeed();
    const kept: ResourceChange[] = [];
    const dropped: ResourceChange[] = [];
    feed.subscribe((c) => kept.push(c));
    const unsubscribe = feed.subscribe((c) => dropped.push(c));

    await feed.publish([change('a')]);
    unsubscribe();
    unsubscribe();
    await feed.publish([change('b')]);

    expect(ids(kept)).toEqual(['a/1', 'b/1']);
    expect(ids(dropped)).toEqual(['a/1']);
  });

  test('one function subscribed twice receives each change twice and unsubscribes independently', async () => {
    const feed = new InProcessChangeFeed();
    const received: ResourceChange[] = [];
    const listener = (c: ResourceChange): void => {
      received.push(c);
    };
    const firstUnsubscribe = feed.subscribe(listener);
    feed.subscribe(listener);

    firstUnsubscribe();
    await feed.publish([change('a')]);

    expect(ids(received)).toEqual(['a/1']);
  });

  test('changes published by a listener are delivered after the current ones, so every listener sees one order', async () => {
    const feed = new InProcessChangeFeed();
    const first: ResourceChange[] = [];
    const second: ResourceChange[] = [];
    feed.subscribe((c) => {
      first.push(c);
      if (c.id === 'a') void feed.publish([change('echo')]);
    });
    feed.subscribe((c) => second.push(c));

    await feed.publish([change('a'), change('b')]);

    expect(ids(first)).toEqual(['a/1', 'b/1', 'echo/1']);
    expect(ids(second)).toEqual(['a/1', 'b/1', 'echo/1']);
  });

  test('a listener subscribed during delivery starts with the next change', async () => {
    const feed = new InProcessChangeFeed();
    const late: ResourceChange[] = [];
    let subscribed = false;
    feed.subscribe(() => {
      if (subscribed) return;
      subscribed = true;
      feed.subscribe((c) => late.push(c));
    });

    await feed.publish([change('a'), change('b')]);

    expect(ids(late)).toEqual(['b/1']);
  });
});
