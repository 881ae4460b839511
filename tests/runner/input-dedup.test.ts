/** One input file named several ways in one input's paths is read once. */
import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/config/load.js';
import { resolveUnits } from '../../src/runner/plan.js';
import { tempDir, writePipeline } from '../helpers/corpus.js';

describe('resolveUnits', () => {
  it('keeps one unit per local file however its paths name it', async () => {
    const dir = tempDir();
    const abs = join(dir, 'a.jsonl');
    writeFileSync(abs, '{"text":"a"}\n');
    writeFileSync(join(dir, 'b.jsonl'), '{"text":"b"}\n');
    const rel = relative(process.cwd(), abs);
    const paths = [rel, `./${rel}`, abs, `${dir}/*.jsonl`];
    const file = writePipeline(dir, `name: dedup-units\ninputs:\n  - reader: jsonl\n    paths: ${JSON.stringify(paths)}\n  - reader: jsonl\n    paths: ["${abs}"]\noutput:\n  dir: ${dir}/out\n`);
    const units = await resolveUnits(await loadPipeline(file));
    // the first spelling wins; another input reading the same file keeps its own unit
    expect(units).toHaveLength(3);
    expect(units.map((u) => [u.input, u.uri])).toEqual(
      expect.arrayContaining([
        [0, rel],
        [1, abs],
        [0, join(dir, 'b.jsonl')],
      ]),
    );
  });
});
