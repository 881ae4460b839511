import { describe, expect, it } from 'vitest';
import { renderTime } from '../../src/cli/render-stats.js';
import { inputBytes, type StatsFile } from '../../src/runner/finalize.js';
import type { Unit } from '../../src/runner/plan-file.js';

const ledger: StatsFile['ledger'] = { docs_in: 20_000, kept: 15_000, rejected: 4_000, duplicates: 1_000, balanced: true };

/** The time section of a run of `ledger` with these phases and input size. */
function timeOf(tasks: StatsFile['tasks'], inputBytes?: number): string | undefined {
  return renderTime({ ledger, tasks, ...(inputBytes === undefined ? {} : { input_bytes: inputBytes }) });
}

describe('the time section of `sluice stats`', () => {
  it('sums task and CPU seconds per phase and gives the throughput per CPU-second of the tasks', () => {
    const out = timeOf(
      [
        { phase: 'docs-0', tasks: 2, seconds: 3, cpu_seconds: 3.5 },
        { phase: 'exact_dedup.groups', tasks: 2, seconds: 0.1, cpu_seconds: 0.1 },
        { phase: 'docs-1', tasks: 2, seconds: 0.9, cpu_seconds: 0.7 },
      ],
      43_000_000,
    )!;
    expect(out).toMatch(/^phase\s+tasks\s+task seconds\s+CPU seconds$/m);
    expect(out).toMatch(/^exact_dedup\.groups\s+2\s+0\.10\s+0\.10$/m);
    expect(out).toMatch(/^total\s+6\s+4\.00\s+4\.30$/m);
    // 43 MB / 4.3 s and 20,000 / 4.3 s
    expect(out).toContain('throughput: 43.0 MB of input, 20,000 documents in 4.30 CPU-seconds of tasks: 10.0 MB/s and 4,651 documents/s per core');
  });

  it('leaves out CPU seconds and throughput when a phase was run by a version that did not record them', () => {
    const out = timeOf(
      [
        { phase: 'docs-0', tasks: 1, seconds: 2, cpu_seconds: 1 },
        { phase: 'docs-1', tasks: 1, seconds: 1 },
      ],
      1000,
    )!;
    expect(out).not.toContain('CPU seconds');
    expect(out).not.toContain('throughput');
    expect(out).toMatch(/^total\s+2\s+3\.00$/m);
  });

  it('gives documents per second alone when the inputs have no known size', () => {
    const out = timeOf([{ phase: 'docs-0', tasks: 1, seconds: 2, cpu_seconds: 2 }])!;
    expect(out).toContain('throughput: 20,000 documents in 2.00 CPU-seconds of tasks: 10,000 documents/s per core');
  });

  it('prints nothing for a run without tasks', () => {
    expect(timeOf([])).toBeUndefined();
  });
});

describe('inputBytes', () => {
  const file = (size: number | undefined, range?: [number, number]): Unit => ({
    input: 0,
    uri: '/data/x.jsonl',
    isDirectory: false,
    ...(range ? { range: { start: range[0], end: range[1], firstLine: 1 } } : {}),
    ...(size === undefined ? {} : { fingerprint: { size, mtime_ms: 0 } }),
  });

  it('counts each piece of a split file once, by its byte range, and whole files and trees by their size', () => {
    const tree: Unit = { input: 1, uri: '/repos/a', isDirectory: true, fingerprint: { files: 3, size: 500, tree_sha256: 'x' } };
    expect(inputBytes({ units: [file(1000, [0, 400]), file(1000, [400, 1000]), file(250), tree] })).toBe(1750);
  });

  it('is unknown when one input has no size (stdin)', () => {
    expect(inputBytes({ units: [file(1000), file(undefined)] })).toBeUndefined();
  });
});
