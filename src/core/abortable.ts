/**
 * Makes a stream stop when `signal` aborts, even while it waits on a read that never returns (a
 * stalled HTTP body, a FIFO nobody writes to): each `next()` races the abort. The source is asked
 * to clean up (`return()`) but not waited for, since a blocked read may never let it finish.
 */
export function abortable<T>(source: AsyncIterable<T>, signal: AbortSignal, onAbort: () => Error): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      const it = source[Symbol.asyncIterator]();
      let aborted: Promise<never> | undefined;
      const whenAborted = (): Promise<never> =>
        (aborted ??= new Promise<never>((_, reject) => {
          const stop = (): void => {
            void Promise.resolve(it.return?.()).catch(() => undefined);
            reject(onAbort());
          };
          if (signal.aborted) stop();
          else signal.addEventListener('abort', stop, { once: true });
        }));
      return {
        next: () => (signal.aborted ? whenAborted() : Promise.race([it.next(), whenAborted()])),
        return: (value?: unknown) => it.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined }),
      };
    },
  };
}
