import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/core/log.js';
import { mulberry32 } from '../../src/core/random.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { docRef } from '../../src/dedup/doc-ref.js';
import { bucketTasks } from '../../src/dedup/minhash/buckets.js';
import { minhashParams, resolveMinhashConfig } from '../../src/dedup/minhash/config.js';
import { forEachNeighbourhood, PartitionedEdgeWriter, readEdges, sortUniquePairs } from '../../src/dedup/minhash/edges.js';
import { roundName, roundSettled, starRoundStep } from '../../src/dedup/minhash/star-rounds.js';
import { RefUnionFind } from '../../src/dedup/minhash/union-find.js';
import { DedupWorkLayout } from '../../src/dedup/work-layout.js';

const root = mkdtempSync(join(tmpdir(), 'sluice-stars-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;

/** Runs the rounds on `edges`; returns whether they settled and the star components of the last round. */
async function components(edges: [number, number][], tasks: number, rounds: number): Promise<{ settled: boolean; comps: string[]; ran: number }> {
  const layout = new DedupWorkLayout(join(root, `g${n++}`));
  const c = resolveMinhashConfig(minhashParams.parse({ mode: 'scale_out', tasks, cluster_rounds: rounds }), 3);
  // as if written by the buckets step's tasks
  const writers = Array.from({ length: bucketTasks(c) }, (_, t) => new PartitionedEdgeWriter(layout, 'buckets', t, tasks));
  edges.forEach(([a, b], i) => writers[i % writers.length]!.add(a, b));
  for (const w of writers) await w.close();
  const stats = new StatsRecorder();
  for (let r = 1; r <= rounds; r++) {
    const step = starRoundStep(layout, c, r);
    for (let p = 0; p < tasks; p++) await step.run(p, tasks, { signal: new AbortController().signal, log: silentLogger, stats: stats.stage('x') });
  }
  const last = roundSettled(layout, rounds, tasks);
  const comps: string[] = [];
  for (let p = 0; p < tasks; p++) {
    forEachNeighbourhood(sortUniquePairs(readEdges(layout, last.settled ? last.edges : roundName(rounds), tasks, p)), (u, nb) => {
      if (nb[0]! > u) comps.push([u, ...nb].join(','));
    });
  }
  const ran = Array.from({ length: rounds }, (_, r) => readFileSync(layout.roundStatus(roundName(r + 1), 0), 'utf8')).filter((t) => !t.includes('"skipped":true')).length;
  return { settled: last.settled, comps: comps.sort(), ran };
}

function truth(edges: [number, number][]): string[] {
  const uf = new RefUnionFind();
  for (const [a, b] of edges) uf.union(a, b);
  return uf
    .components()
    .map((m) => [...m].sort((x, y) => x - y).join(','))
    .sort();
}

const ref = (i: number): number => docRef(i % 5, Math.floor(i / 5));

describe('distributed connected components (rounds of local contraction)', () => {
  it('random sparse graphs settle into one star per component, centred on its smallest document', async () => {
    const r = mulberry32(1);
    for (let g = 0; g < 20; g++) {
      const nodes = 20 + Math.floor(r() * 200);
      const edges: [number, number][] = [];
      for (let e = 0; e < nodes * 0.8; e++) edges.push([ref(Math.floor(r() * nodes)), ref(Math.floor(r() * nodes))]);
      const tasks = 1 + Math.floor(r() * 5);
      const got = await components(
        edges.filter(([a, b]) => a !== b),
        tasks,
        12,
      );
      expect(got.settled).toBe(true);
      expect(got.comps).toEqual(truth(edges.filter(([a, b]) => a !== b)));
    }
  });

  it('a long path needs more rounds, and says so when it has too few', async () => {
    const path: [number, number][] = [];
    for (let i = 0; i < 300; i++) path.push([ref(i), ref(i + 1)]);
    expect((await components(path, 4, 2)).settled).toBe(false);
    const enough = await components(path, 4, 24);
    expect(enough.settled).toBe(true);
    expect(enough.comps).toEqual(truth(path));
  });

  it('stars stay as they are, and once settled the remaining rounds do nothing', async () => {
    const star: [number, number][] = [];
    for (let i = 1; i < 100; i++) star.push([ref(i), ref(0)]);
    const one = await components(star, 3, 1);
    expect(one.settled).toBe(true);
    expect(one.comps).toEqual(truth(star));
    const five = await components(star, 3, 5);
    expect(five).toEqual({ settled: true, comps: truth(star), ran: 1 });
  });
});
