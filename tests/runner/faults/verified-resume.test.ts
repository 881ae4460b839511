import { readdirSync, rmSync, truncateSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir, writeJsonlCorpus, writePipeline } from '../../helpers/corpus.js';
import { leftoverTemps, markerText, run, shardBytes, sortedIds, TRACE } from '../../helpers/faults.js';

let dir: string;
let file: string;
let reference: Map<string, Buffer>;
let referenceIds: string[];

/** A fresh copy of the finished output, to damage. */
async function finished(name: string): Promise<string> {
  const out = join(dir, name);
  // scratch kept, so the damaged-spill case has a spill to damage (removal is tested in scratch.test.ts)
  const r = await run(['run', file, '--out', out, '--workers', '2', '--keep-scratch']);
  expect(r.status, r.stderr).toBe(0);
  return out;
}

async function expectRepaired(out: string, damaged: string): Promise<void> {
  const rerun = await run(['run', file, '--out', out, '--workers', '2', '--keep-scratch']);
  expect(rerun.status, rerun.stderr).toBe(0);
  expect(rerun.stderr).toContain(damaged);
  expect(rerun.stderr).not.toMatch(TRACE);
  const verify = await run(['verify', out]);
  expect(verify.status, verify.stdout).toBe(0);
  expect(shardBytes(out)).toEqual(reference);
  expect(await sortedIds(out)).toEqual(referenceIds);
  expect(leftoverTemps(out)).toEqual([]);
}

beforeAll(async () => {
  dir = tempDir();
  // the text depends on the file name's length: ee repeats the first 100 documents of bb, which exact_dedup removes
  writeJsonlCorpus(
    dir,
    ['a', 'bb', 'ccc', 'dddd'].map((n) => ({ name: `${n}.jsonl.gz`, docs: 400, chars: 200, badLines: [3] })),
  );
  writeJsonlCorpus(dir, [{ name: 'ee.jsonl.gz', docs: 100, chars: 200 }]);
  file = writePipeline(
    dir,
    `name: verified\ninputs:\n  - reader: jsonl\n    paths: ["${dir}/*.jsonl.gz"]\nstages:\n  - length: {min_chars: 10}\n  - exact_dedup: {}\noutput:\n  dir: ${join(dir, 'ref')}\n  shard_bytes: 16KiB\n`,
  );
  const ref = await finished('ref');
  reference = shardBytes(ref);
  referenceIds = await sortedIds(ref);
  expect(reference.size).toBeGreaterThan(2);
}, 240_000);

describe('a rerun over a finished output checks what it skips', () => {
  it('a deleted shard: verify and stats report it, the rerun redoes its task and the output is byte-identical', async () => {
    const out = await finished('deleted');
    const victim = [...reference.keys()][1]!;
    rmSync(join(out, 'shards', victim));

    const verify = await run(['verify', out]);
    expect(verify.status).toBe(1);
    expect(verify.stdout).toContain(`shards/${victim} is missing`);
    const stats = await run(['stats', out]);
    expect(stats.status).toBe(1);
    expect(stats.stderr).toContain('disagree with manifest.json');

    await expectRepaired(out, `shards/${victim} is missing`);
  }, 240_000);

  it('a truncated shard, and one changed in place with its size kept', async () => {
    const out = await finished('truncated');
    const [a, b] = [...reference.keys()];
    truncateSync(join(out, 'shards', a!), 100);
    const bytes = readFileSync(join(out, 'shards', b!));
    const mid = bytes.length >> 1;
    bytes[mid] = bytes[mid]! ^ 0xff;
    writeFileSync(join(out, 'shards', b!), bytes);
    await expectRepaired(out, `shards/${a!} is 100 bytes`);
    const again = await finished('flipped');
    const c = readFileSync(join(again, 'shards', b!));
    c[10] = c[10]! ^ 0x01;
    writeFileSync(join(again, 'shards', b!), c);
    await expectRepaired(again, 'SHA-256');
  }, 240_000);

  it('a damaged spill of the first phase reruns its task and every later phase', async () => {
    const out = await finished('spill');
    const spillDir = join(out, '.sluice', 'spill', 'docs-0');
    const spill = readdirSync(spillDir).sort()[0]!;
    truncateSync(join(spillDir, spill), 10);
    const later = markerText(out, 'docs-1', 3);
    await expectRepaired(out, `.sluice/spill/docs-0/${spill} is 10 bytes`);
    expect(markerText(out, 'docs-1', 3)).not.toBe(later);
  }, 240_000);

  it('a missing rejects file reruns the task that wrote it', async () => {
    const out = await finished('rejects');
    const readerRejects = join(out, 'rejects', 'jsonl');
    const victim = readdirSync(readerRejects).sort()[0]!;
    rmSync(join(readerRejects, victim));
    await expectRepaired(out, `rejects/jsonl/${victim} is missing`);
    expect(readdirSync(readerRejects)).toContain(victim);
  }, 240_000);
});
