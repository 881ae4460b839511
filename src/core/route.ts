import type { Doc } from './doc.js';

/**
 * A one-slot channel between the router and a stage: the stage pulls from it like any input,
 * and the router can tell when the stage is waiting for input (so it must fetch the next document)
 * rather than about to produce output.
 */
class Handoff implements AsyncIterable<Doc> {
  private item: Doc | undefined;
  private ended = false;
  private waiting: ((r: IteratorResult<Doc>) => void) | undefined;
  private hungry: (() => void) | undefined;
  private hungryNow = false;

  put(doc: Doc): void {
    const w = this.waiting;
    if (w) {
      this.waiting = undefined;
      this.hungryNow = false;
      w({ value: doc, done: false });
    } else this.item = doc;
  }

  end(): void {
    this.ended = true;
    const w = this.waiting;
    this.waiting = undefined;
    w?.({ value: undefined, done: true });
  }

  /** Resolves once the stage has asked for a document that is not there yet. */
  whenHungry(): Promise<'hungry'> {
    if (this.hungryNow) return Promise.resolve('hungry');
    return new Promise((r) => (this.hungry = () => r('hungry')));
  }

  [Symbol.asyncIterator](): AsyncIterator<Doc> {
    return {
      next: () => {
        if (this.item !== undefined) {
          const value = this.item;
          this.item = undefined;
          return Promise.resolve({ value, done: false });
        }
        if (this.ended) return Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve) => {
          this.waiting = resolve;
          this.hungryNow = true;
          const h = this.hungry;
          this.hungry = undefined;
          h?.();
        });
      },
    };
  }
}

/**
 * Applies `stage` only to documents that `matches` accepts; the others go straight through,
 * in order relative to what the stage emits around them. At most one document waits between
 * router and stage, so memory stays bounded whatever the mix (a stream of nothing but
 * bypassed documents is never buffered).
 */
export function routeWhere(stage: (docs: AsyncIterable<Doc>) => AsyncIterable<Doc>, matches: (doc: Doc) => boolean, onBypass: () => void = () => {}): (docs: AsyncIterable<Doc>) => AsyncIterable<Doc> {
  return async function* (docs) {
    const handoff = new Handoff();
    const out = stage(handoff)[Symbol.asyncIterator]();
    let pending: Promise<IteratorResult<Doc>> | undefined;
    const nextOut = (): Promise<IteratorResult<Doc>> => (pending ??= out.next());
    for await (const doc of docs) {
      if (!matches(doc)) {
        onBypass();
        yield doc;
        continue;
      }
      handoff.put(doc);
      // let the stage run until it either emits (pass the output on) or asks for more input
      for (;;) {
        const r = await Promise.race([nextOut(), handoff.whenHungry()]);
        if (r === 'hungry') break;
        pending = undefined;
        if (r.done) return;
        yield r.value;
      }
    }
    handoff.end();
    for (;;) {
      const r = await nextOut();
      pending = undefined;
      if (r.done) return;
      yield r.value;
    }
  };
}
