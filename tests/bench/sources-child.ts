/** Child-process side of the `sources` bench (run through isolate.ts, so peak RSS is per variant). */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { localFile } from '../../src/io/input.js';
import { readers } from '../../src/registry-loaded.js';
import { drainReader, type ReadCounts } from './readers-drain.js';

/** CPU seconds of this process and of the children it has waited for (7z, zstd), from /proc (Linux). */
export function cpuWithChildren(): number {
  const self = process.cpuUsage();
  let children = 0;
  try {
    // fields after the command name: cutime and cstime are the 14th and 15th (clock ticks, 100 per second on Linux)
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    children = (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    // not Linux: the children's time is left out
  }
  return (self.user + self.system) / 1e6 + children;
}

export interface SourcesReadArgs {
  reader: string;
  files: string[];
  params?: Record<string, unknown>;
}

export interface SourcesReadResult extends ReadCounts {
  cpuSeconds: number;
}

/** Reads the files with one reader; CPU time includes the decoders it started. */
export async function readTimed(args: SourcesReadArgs): Promise<SourcesReadResult> {
  const reader = readers[args.reader];
  if (!reader) throw new Error(`no reader ${args.reader}`);
  const c0 = cpuWithChildren();
  const counts = await drainReader(
    reader,
    args.files.map((f) => localFile(f)),
    args.params,
  );
  return { ...counts, cpuSeconds: cpuWithChildren() - c0 };
}

/** `7z e -so` into nothing: the archive decoder alone. */
export async function sevenZipDecode(args: { archive: string; entry: string }): Promise<{ bytes: number; cpuSeconds: number }> {
  const c0 = cpuWithChildren();
  const child = spawn('7z', ['e', '-so', '-bd', '--', args.archive, args.entry], { stdio: ['ignore', 'pipe', 'ignore'] });
  let bytes = 0;
  for await (const chunk of child.stdout as AsyncIterable<Buffer>) bytes += chunk.length;
  await new Promise((resolve) => child.once('close', resolve));
  return { bytes, cpuSeconds: cpuWithChildren() - c0 };
}
