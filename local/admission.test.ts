import { createAdmissionGate } from './admission';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe('admission gate', () => {
  it('admits up to maxActive, queues up to maxQueued in FIFO order, refuses the rest at once', async () => {
    const gate = createAdmissionGate({ maxActive: 2, maxQueued: 2, queueTimeoutMs: 10_000 });
    const first = await gate.enter();
    const second = await gate.enter();
    const order: string[] = [];
    const third = gate.enter().then((release) => {
      order.push('third');
      return release;
    });
    const fourth = gate.enter().then((release) => {
      order.push('fourth');
      return release;
    });
    expect(await gate.enter()).toBe('queue-full');
    expect(gate.stats()).toEqual({ active: 2, queued: 2, refused: 1 });
    if (typeof first === 'string' || typeof second === 'string') throw new Error('not admitted');
    second();
    second(); // a second release of the same slot changes nothing
    const thirdRelease = await third;
    expect(order).toEqual(['third']);
    expect(gate.stats()).toEqual({ active: 2, queued: 1, refused: 1 });
    first();
    const fourthRelease = await fourth;
    expect(order).toEqual(['third', 'fourth']);
    if (typeof thirdRelease === 'string' || typeof fourthRelease === 'string') throw new Error('not admitted');
    thirdRelease();
    fourthRelease();
    expect(gate.stats()).toEqual({ active: 0, queued: 0, refused: 1 });
  });

  it('refuses a waiter after queueTimeoutMs and forgets it', async () => {
    const gate = createAdmissionGate({ maxActive: 1, maxQueued: 5, queueTimeoutMs: 20 });
    const held = await gate.enter();
    expect(await gate.enter()).toBe('queue-timeout');
    expect(gate.stats()).toEqual({ active: 1, queued: 0, refused: 1 });
    if (typeof held === 'string') throw new Error('not admitted');
    held();
    await sleep(1);
    const again = await gate.enter();
    expect(typeof again).toBe('function');
  });
});
