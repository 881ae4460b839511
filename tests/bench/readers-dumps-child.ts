/** Child-process side of the reader benchmarks (run through isolate.ts so peak RSS is per variant). */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { tidy, wikitextToText } from '../../src/extract/wikitext.js';
import { localFile } from '../../src/io/input.js';
import { readers } from '../../src/registry-loaded.js';
import { drainReader, type ReadCounts } from './readers-drain.js';

export interface ReadArgs {
  reader: string;
  files: string[];
  params?: Record<string, unknown>;
}

/** Reads every file with the reader and counts what comes out. */
export function readAllFiles(args: ReadArgs): Promise<ReadCounts> {
  const reader = readers[args.reader];
  if (!reader) throw new Error(`no reader ${args.reader}`);
  return drainReader(
    reader,
    args.files.map((f) => localFile(f)),
    args.params,
  );
}

export interface ConvertArgs {
  converter: 'sluice' | 'wtf_wikipedia';
  /** Directory of .txt wikitext files, or a file with one article per `\f`-separated record. */
  dir?: string;
  synthetic?: string;
  repeat: number;
}

export interface ConvertResult {
  articles: number;
  inputChars: number;
  /** Output size of one pass over the articles. */
  outputChars: number;
  /** Markup left in the output: | {{ }} [[ ]] &entity; () ''' ". ." < tags, counted. */
  residue: Record<string, number>;
}

const RESIDUE: Record<string, RegExp> = {
  pipe: /\|/g,
  braces: /\{\{|\}\}/g,
  brackets: /\[\[|\]\]/g,
  entity: /&[a-z]+;/gi,
  empty_parens: /\(\s*\)/g,
  quotes: /'''/g,
  dot_dot: /\. \./g,
  tags: /<\/?[a-z]+[^>]*>/gi,
};

function articles(args: ConvertArgs): string[] {
  if (args.dir)
    return readdirSync(args.dir)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .map((f) => readFileSync(join(args.dir!, f), 'utf8'));
  return readFileSync(args.synthetic!, 'utf8').split('\f');
}

/** Converts every article `repeat` times with one converter; returns counts and residue. */
export async function convertArticles(args: ConvertArgs): Promise<ConvertResult> {
  const input = articles(args);
  let convert: (s: string) => string;
  if (args.converter === 'sluice') convert = (s) => wikitextToText(s);
  else {
    const { default: wtf } = (await import('wtf_wikipedia')) as unknown as { default: (s: string) => { text(): string } };
    // the cleanup pass the wtf_wikipedia output needs (it leaves &nbsp;, empty brackets, ". .")
    convert = (s) => wtf(s).text().split('\n').map(tidy).join('\n');
  }
  const out: ConvertResult = { articles: 0, inputChars: 0, outputChars: 0, residue: Object.fromEntries(Object.keys(RESIDUE).map((k) => [k, 0])) };
  for (let r = 0; r < args.repeat; r++) {
    for (const a of input) {
      const text = convert(a);
      out.articles++;
      out.inputChars += a.length;
      if (r === 0) out.outputChars += text.length;
      if (r === 0) for (const [k, re] of Object.entries(RESIDUE)) out.residue[k]! += text.match(re)?.length ?? 0;
    }
  }
  return out;
}

export interface DecodeArgs {
  file: string;
  codec: 'bzip2' | 'zstd';
  backend: string;
}

/** Decompression alone, with one backend: bytes out. */
export async function decodeOnly(args: DecodeArgs): Promise<{ bytes: number }> {
  const raw = localFile(args.file).open();
  let stream: AsyncIterable<Uint8Array>;
  if (args.codec === 'bzip2') {
    const { bzip2Decoder } = await import('../../src/io/bzip2.js');
    stream = bzip2Decoder(args.backend as 'lbzip2' | 'bzip2' | 'js')(raw, args.file);
  } else if (args.backend === 'napi') {
    const { decodeZstdInProcess } = await import('../../src/io/decompress.js');
    stream = decodeZstdInProcess(raw);
  } else {
    const { decodeZstdWithCli } = await import('../../src/io/zstd-cli.js');
    stream = decodeZstdWithCli(raw);
  }
  let bytes = 0;
  for await (const c of stream) bytes += c.length;
  return { bytes };
}
