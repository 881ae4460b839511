/**
 * A task that runs in the leader's own process (the local executor's first lane) keeps the
 * leader's event loop waiting while it works through documents that are already in memory:
 * the other workers' "done" messages, progress ticks and signals would wait with it. Giving
 * the loop a turn every few milliseconds bounds that wait; a turn costs microseconds.
 */
export function breather(everyMs = 10): () => Promise<void> | undefined {
  let last = performance.now();
  return () => {
    const now = performance.now();
    if (now - last < everyMs) return undefined;
    last = now;
    return new Promise<void>((resolve) => setImmediate(resolve));
  };
}
