import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { progressLine, type ProgressSnapshot } from '../../src/runner/progress.js';
import { sluice } from '../helpers/cli.js';
import { tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';

const snapshot = (over: Partial<ProgressSnapshot>): ProgressSnapshot => ({
  phase: 'docs-0',
  reads: 'inputs',
  tasksDone: 0,
  tasksTotal: 2,
  counters: { docsIn: 0, charsIn: 0, docsOut: 0 },
  ...over,
});

describe('progress lines', () => {
  it('say a phase is starting instead of showing zeros, and give rates after the first second', () => {
    expect(progressLine(snapshot({}), 0.2, 0.2)).toBe('docs-0: tasks 0/2 | starting (no documents yet) | 0s');
    expect(progressLine(snapshot({ counters: { docsIn: 10, charsIn: 5000, docsOut: 9 } }), 0.5, 3)).toBe('docs-0: tasks 0/2 | docs in 10 | 5.0 kB text | out 9 | 3s');
    expect(progressLine(snapshot({ counters: { docsIn: 4000, charsIn: 8e6, docsOut: 3900 } }), 2, 3)).toBe('docs-0: tasks 0/2 | docs in 4000 (2.0k/s) | 8.0 MB text (4.0 MB/s) | out 3900 | 3s');
  });

  it('label documents read from a spill, and show a step by tasks and time alone', () => {
    expect(progressLine(snapshot({ phase: 'docs-1', reads: 'spill', tasksDone: 2, counters: { docsIn: 19, charsIn: 8400, docsOut: 18 } }), 1, 4)).toBe(
      'docs-1: tasks 2/2 | docs in 19 from spill (19/s) | 8.4 kB text (8.4 kB/s) | out 18 | 4s',
    );
    expect(progressLine(snapshot({ phase: 'exact_dedup.groups', reads: 'none', tasksDone: 2 }), 1, 4)).toBe('exact_dedup.groups: tasks 2/2 | 4s');
  });
});

describe('a local run', () => {
  it('prints what every phase moved and writes a log per task, in-process and in workers', () => {
    const dir = tempDir();
    writeJsonlCorpus(dir, [
      { name: 'a.jsonl.gz', docs: 20, badLines: [3], chars: 150 },
      { name: 'b.jsonl.gz', docs: 20, chars: 150 },
    ]);
    const file = writePipeline(
      dir,
      `name: logs-test
inputs:
  - reader: jsonl
    paths: ["${dir}/*.jsonl.gz"]
stages:
  - length: {min_chars: 10}
  - exact_dedup: {}
output:
  dir: ${dir}/out
`,
    );
    const r = sluice(['run', file, '--workers', '2']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^docs-0: tasks 2\/2 \| docs in 39 /m);
    expect(r.stderr).toMatch(/^exact_dedup\.groups: tasks 2\/2 \| \d+s$/m);
    expect(r.stderr).toMatch(/^docs-1: tasks 2\/2 \| docs in 39 from spill /m);
    expect(r.stderr).not.toContain('docs in 0');

    const logs = join(dir, 'out', '.sluice', 'logs');
    expect(readdirSync(logs).sort()).toEqual(['docs-0', 'docs-1', 'exact_dedup.groups']);
    const pids = new Set<string>();
    for (const phase of ['docs-0', 'exact_dedup.groups', 'docs-1']) {
      expect(readdirSync(join(logs, phase)).sort()).toEqual(['0.log', '1.log']);
      for (const rank of [0, 1]) {
        const text = readFileSync(join(logs, phase, `${rank}.log`), 'utf8');
        expect(text).toMatch(new RegExp(`^\\S+Z task ${phase.replace('.', '\\.')}/${rank} started on \\S+ \\(pid \\d+\\)$`, 'm'));
        expect(text).toMatch(new RegExp(`task ${phase.replace('.', '\\.')}/${rank} finished in [\\d.]+ s \\([\\d.]+ s CPU\\): .*peak RSS \\d+ MiB$`, 'm'));
        pids.add(/\(pid (\d+)\)/.exec(text)![1]!);
      }
    }
    // the leader runs one lane, a worker process the other
    expect(pids.size).toBe(2);
    const first = readFileSync(join(logs, 'docs-0', '0.log'), 'utf8');
    expect(first).toContain(`warn: bad record: invalid JSON at ${dir}/a.jsonl.gz:3`);
    expect(first).toContain('rejected: jsonl/bad_record 1');
  }, 180_000);
});
