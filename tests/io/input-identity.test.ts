/** One local file named several ways is one input; its `uri` stays as the pipeline wrote it. */
import { writeFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { memoryFile } from '../../src/io/input.js';
import { expandPath, inputIdentity } from '../../src/io/resolve.js';
import { tempDir } from '../helpers/corpus.js';

const dir = tempDir();
const abs = join(dir, 'a.jsonl');
writeFileSync(abs, '{"text":"a"}\n');
writeFileSync(join(dir, 'b.jsonl'), '{"text":"b"}\n');
const rel = relative(process.cwd(), abs);
const relDir = relative(process.cwd(), dir);

async function expand(pattern: string): Promise<{ uri: string; identity: string }[]> {
  const files = await expandPath({ pattern, yamlPath: 'inputs[0].paths[0]' }, false);
  return files.map((f) => ({ uri: f.uri, identity: inputIdentity(f) }));
}

describe('inputIdentity', () => {
  it('is the absolute path for a file written relative, with ./, absolute, as file:// or matched by globs', async () => {
    const forms = [rel, `./${rel}`, `${relDir}//./a.jsonl`, abs, `file://${abs}`];
    for (const form of forms) expect(await expand(form), form).toEqual([{ uri: form.replace(/^file:\/\//, ''), identity: abs }]);
    // overlapping globs: each match of a.jsonl has the one identity, while uris keep the glob's spelling
    const relGlob = await expand(`./${relDir}/*.jsonl`);
    const absGlob = await expand(join(dir, 'a.*'));
    expect(relGlob.map((f) => f.identity)).toEqual([abs, join(dir, 'b.jsonl')]);
    expect(absGlob).toEqual([{ uri: abs, identity: abs }]);
    expect(isAbsolute(relGlob[0]!.uri)).toBe(false);
  });

  it('tells different files apart and keeps a URL as it is', async () => {
    const [a] = await expand(rel);
    const [b] = await expand(join(relDir, 'b.jsonl'));
    expect(a!.identity).not.toBe(b!.identity);
    expect(inputIdentity(memoryFile('https://data.example/x.jsonl.gz', new Uint8Array()))).toBe('https://data.example/x.jsonl.gz');
  });
});
