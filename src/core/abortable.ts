/**
 * Makes a stream stop when `signal` aborts, even while it waits on a read that never returns (a
 * stalled HTTP body, a FIFO nobody writes to): each `next()` races the abort. The source is asked
 * to clean up (`return()`) but not waited for, since a blocked read may never let it finish.
 */
export function abortable<T>(source: AsyncIterable<T>, signal: AbortSignal, onAbort: () => Error): AsyncIterable<T> {
  return new AbortableStream(source, signal, onAbort);
}

// Classes rather than objects of closures: a reader's `for await` then meets the same methods in
// every task, where new closures per task were new call targets that deoptimised it.
class AbortableStream<T> implements AsyncIterable<T> {
  constructor(
    private readonly source: AsyncIterable<T>,
    private readonly signal: AbortSignal,
    private readonly onAbort: () => Error,
  ) {}

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return new AbortableIterator(this.source[Symbol.asyncIterator](), this.signal, this.onAbort);
  }
}

class AbortableIterator<T> implements AsyncIterator<T> {
  private aborted: Promise<never> | undefined;
  private stop: (() => void) | undefined;

  constructor(
    private readonly it: AsyncIterator<T>,
    private readonly signal: AbortSignal,
    private readonly onAbort: () => Error,
  ) {}

  /** One listener per stream, removed when it ends: a task reads many inputs from one signal. */
  private detach(): void {
    if (this.stop) this.signal.removeEventListener('abort', this.stop);
  }

  private whenAborted(): Promise<never> {
    return (this.aborted ??= new Promise<never>((_, reject) => {
      this.stop = (): void => {
        void Promise.resolve(this.it.return?.()).catch(() => undefined);
        reject(this.onAbort());
      };
      if (this.signal.aborted) this.stop();
      else this.signal.addEventListener('abort', this.stop, { once: true });
    }));
  }

  async next(): Promise<IteratorResult<T>> {
    if (this.signal.aborted) return this.whenAborted();
    try {
      const result = await Promise.race([this.it.next(), this.whenAborted()]);
      if (result.done) this.detach();
      return result;
    } catch (err) {
      this.detach();
      throw err;
    }
  }

  return(value?: unknown): Promise<IteratorResult<T>> {
    this.detach();
    return this.it.return?.(value) ?? Promise.resolve({ done: true, value: undefined });
  }
}
