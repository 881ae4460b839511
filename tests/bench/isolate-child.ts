/** Child side of isolate.ts: import the module, run the export, send back the value and peak RSS. */
const [modulePath, exportName, argsJson] = process.argv.slice(2);

/** Disconnects only once the message is flushed: a large reply would otherwise be cut off. */
function reply(message: unknown): Promise<void> {
  return new Promise((resolve) => process.send!(message, () => resolve()));
}

async function main(): Promise<void> {
  const mod = (await import(new URL(modulePath!, import.meta.url).href)) as Record<string, (args: unknown) => Promise<unknown>>;
  const fn = mod[exportName!];
  if (typeof fn !== 'function') throw new Error(`${modulePath} has no export ${exportName}`);
  const started = process.hrtime.bigint();
  const value = await fn(JSON.parse(argsJson ?? 'null'));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  await reply({ ok: true, result: { value, seconds, peakRssMb: process.resourceUsage().maxRSS / 1024 } });
}

main().then(
  () => process.disconnect(),
  async (err: unknown) => {
    process.exitCode = 1;
    await reply({ ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) });
    process.disconnect();
  },
);
