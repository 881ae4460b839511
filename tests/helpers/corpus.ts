/** Generated JSONL corpora for runner and CLI tests: real gzip and zstd files in a temp dir. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { compress } from 'zstd-napi';

export function tempDir(prefix = 'sluice-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

const WORDS = 'the river carried silt down to the delta where farmers planted rice and millet in long rows beside the water'.split(' ');

/** Deterministic prose of roughly `chars` characters. */
export function prose(seed: number, chars: number): string {
  let s = seed >>> 0;
  const out: string[] = [];
  let n = 0;
  while (n < chars) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const w = WORDS[s % WORDS.length]!;
    out.push(w);
    n += w.length + 1;
  }
  return out.join(' ') + '.';
}

export interface JsonlFileSpec {
  name: string;
  docs: number;
  /** Line numbers (1-based) that are written as malformed JSON. */
  badLines?: number[];
  codec?: 'gzip' | 'zstd' | 'none';
  /** Characters per document (default 300). */
  chars?: number;
}

/** Writes JSONL files; returns every good document id in file order. */
export function writeJsonlCorpus(dir: string, files: JsonlFileSpec[]): string[] {
  const ids: string[] = [];
  for (const f of files) {
    const lines: string[] = [];
    for (let i = 1; i <= f.docs; i++) {
      if (f.badLines?.includes(i)) {
        lines.push(`{"id": "${f.name}-${i}", "text": "unterminated`);
        continue;
      }
      const id = `${f.name}-${i}`;
      ids.push(id);
      lines.push(JSON.stringify({ id, text: prose(i * 7919 + f.name.length, f.chars ?? 300), lang: 'en', n: i }));
    }
    const raw = Buffer.from(lines.join('\n') + '\n');
    const codec = f.codec ?? 'gzip';
    const data = codec === 'gzip' ? gzipSync(raw) : codec === 'zstd' ? compress(raw) : raw;
    writeFileSync(join(dir, f.name), data);
  }
  return ids;
}

export function writePipeline(dir: string, body: string, name = 'pipeline.yaml'): string {
  const path = join(dir, name);
  writeFileSync(path, body);
  return path;
}
