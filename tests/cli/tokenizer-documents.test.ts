import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { documentsFrom } from '../../src/cli/tokenizer-documents.js';
import type { Doc } from '../../src/core/doc.js';
import { silentLogger } from '../../src/core/log.js';
import { runPipeline } from '../../src/runner/run.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';
import { readDataset, readManifest } from '../helpers/parquet.js';

async function collect(paths: string[], opts: Parameters<typeof documentsFrom>[1] = {}): Promise<Doc[]> {
  const docs: Doc[] = [];
  for await (const d of documentsFrom(paths, opts)) docs.push(d);
  return docs;
}

describe('documents for the tokenizer CLI (encode, train)', () => {
  it("reads a run's Parquet shards (id and text), JSONL, and any other file as one document", async () => {
    const dir = tempDir();
    const ids = writeJsonlCorpus(dir, [{ name: 'a.jsonl.gz', docs: 60, chars: 500 }]);
    const pipeline = writePipeline(dir, `name: documents-test\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/a.jsonl.gz"]\nstages: []\noutput:\n  dir: ${dir}/out\n`);
    await runPipeline({ pipelineFile: pipeline, workers: 1, log: silentLogger });
    const out = join(dir, 'out');
    const rows = await readDataset(out, ['id', 'text']);
    expect(rows.map((r) => r['id']).sort()).toEqual([...ids].sort());
    const shards = readManifest(out).shards.map((s) => join(out, s.path));
    const fromShards = await collect(shards);
    expect(fromShards.map((d) => [d.id, d.text])).toEqual(rows.map((r) => [r['id'], r['text']]));

    const fromJsonl = await collect([join(dir, 'a.jsonl.gz')]);
    expect(new Map(fromJsonl.map((d) => [d.id, d.text]))).toEqual(new Map(fromShards.map((d) => [d.id, d.text])));

    const notes = join(dir, 'notes.txt');
    writeFileSync(notes, 'one\ndocument\n');
    expect((await collect([notes])).map((d) => [d.id, d.text])).toEqual([[notes, 'one\ndocument\n']]);
  });

  it('a shard without the text column named is an error, not an empty corpus', async () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [{ name: 'b.jsonl', docs: 3, codec: 'none' }]);
    const pipeline = writePipeline(dir, `name: documents-missing\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/b.jsonl"]\nstages: []\noutput:\n  dir: ${dir}/out\n`);
    await runPipeline({ pipelineFile: pipeline, workers: 1, log: silentLogger });
    const out = join(dir, 'out');
    const shards = readManifest(out).shards.map((s) => join(out, s.path));
    await expect(collect(shards, { textField: 'body' })).rejects.toThrow(/no scalar column "body"/);
  });
});
