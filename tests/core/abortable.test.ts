import { describe, expect, it } from 'vitest';
import { abortable } from '../../src/core/abortable.js';

async function* forever(): AsyncIterable<number> {
  yield 1;
  await new Promise(() => {});
}

describe('abortable', () => {
  it('ends a stream blocked on a read that never returns, with the abort error', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = (async () => {
      for await (const x of abortable(forever(), controller.signal, () => new Error('stopped'))) seen.push(x);
    })();
    setTimeout(() => controller.abort(), 20);
    await expect(run).rejects.toThrow('stopped');
    expect(seen).toEqual([1]);
  });

  it('leaves no listener on the signal once a stream ends, however many streams share it', async () => {
    const controller = new AbortController();
    let listeners = 0;
    const add = controller.signal.addEventListener.bind(controller.signal);
    const remove = controller.signal.removeEventListener.bind(controller.signal);
    controller.signal.addEventListener = ((...args: Parameters<typeof add>) => (listeners++, add(...args))) as typeof add;
    controller.signal.removeEventListener = ((...args: Parameters<typeof remove>) => (listeners--, remove(...args))) as typeof remove;
    async function* three(): AsyncIterable<number> {
      yield* [1, 2, 3];
    }
    for (let i = 0; i < 20; i++) {
      const got: number[] = [];
      for await (const x of abortable(three(), controller.signal, () => new Error('x'))) got.push(x);
      expect(got).toEqual([1, 2, 3]);
    }
    expect(listeners).toBe(0);
  });
});
