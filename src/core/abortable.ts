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
      let stop: (() => void) | undefined;
      // one listener per stream, removed when it ends: a task reads many inputs from one signal
      const detach = (): void => {
        if (stop) signal.removeEventListener('abort', stop);
      };
      const whenAborted = (): Promise<never> =>
        (aborted ??= new Promise<never>((_, reject) => {
          stop = (): void => {
            void Promise.resolve(it.return?.()).catch(() => undefined);
            reject(onAbort());
          };
          if (signal.aborted) stop();
          else signal.addEventListener('abort', stop, { once: true });
        }));
      return {
        next: async () => {
          if (signal.aborted) return whenAborted();
          try {
            const result = await Promise.race([it.next(), whenAborted()]);
            if (result.done) detach();
            return result;
          } catch (err) {
            detach();
            throw err;
          }
        },
        return: (value?: unknown) => {
          detach();
          return it.return?.(value) ?? Promise.resolve({ done: true as const, value: undefined });
        },
      };
    },
  };
}
