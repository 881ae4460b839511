/** Reading files with one reader outside the runner, for the reader benchmarks' child processes. */
import { silentLogger } from '../../src/core/log.js';
import { StatsRecorder } from '../../src/core/stats.js';
import type { InputFile } from '../../src/io/input.js';
import type { ReaderContext, ReaderDefinition } from '../../src/readers/reader.js';

export interface ReadCounts {
  docs: number;
  /** Records reported as invalid or skipped. */
  rejected: number;
  chars: number;
  /** Time spent reading, without process start and module loading. */
  seconds: number;
}

/** Reads every file with the reader (params as in a pipeline's input) and counts what comes out. */
export async function drainReader(reader: ReaderDefinition, files: readonly InputFile[], params: unknown = {}): Promise<ReadCounts> {
  const parsed = reader.params.parse(params);
  const stats = new StatsRecorder().stage(reader.name);
  const counts: ReadCounts = { docs: 0, rejected: 0, chars: 0, seconds: 0 };
  const started = process.hrtime.bigint();
  for (const file of files) {
    const ctx: ReaderContext = {
      file,
      source: reader.defaultSource,
      stats,
      log: silentLogger,
      signal: new AbortController().signal,
      invalid: () => void counts.rejected++,
      skip: () => void counts.rejected++,
    };
    for await (const doc of reader.read(file, parsed, ctx)) {
      counts.docs++;
      counts.chars += doc.text.length;
    }
  }
  counts.seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return counts;
}
