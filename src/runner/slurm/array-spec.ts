import { SluiceError } from '../../core/errors.js';

/** Sorted distinct indices as sbatch --array wants them: `0-3,7,9-10`, with `%N` to throttle. */
export function arraySpec(indices: readonly number[], maxRunning?: number): string {
  const sorted = [...new Set(indices)].sort((a, b) => a - b);
  if (sorted.length === 0) throw new SluiceError('SLUICE_INTERNAL', 'an array job needs at least one index');
  const parts: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  const flush = (): void => {
    parts.push(start === prev ? String(start) : `${start}-${prev}`);
  };
  for (const i of sorted.slice(1)) {
    if (i === prev + 1) {
      prev = i;
      continue;
    }
    flush();
    start = prev = i;
  }
  flush();
  return parts.join(',') + (maxRunning === undefined ? '' : `%${maxRunning}`);
}

/** Indices of an array spec as Slurm prints it (`1,3,5-6`, `0-15:4`, `4-7%2`). */
export function parseArraySpec(spec: string): number[] {
  const body = spec.replace(/^\[|\]$/g, '').replace(/%\d+$/, '');
  const out: number[] = [];
  for (const part of body.split(',')) {
    const m = /^(\d+)(?:-(\d+)(?::(\d+))?)?$/.exec(part.trim());
    if (!m) throw new SluiceError('SLUICE_EXECUTOR', `cannot read the array index list "${spec}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    const step = m[3] === undefined ? 1 : Number(m[3]);
    for (let i = from; i <= to; i += step) out.push(i);
  }
  return out;
}

/** One sbatch --array submission: task `offset + i` runs as array index i. */
export interface ArrayChunk {
  offset: number;
  indices: number[];
}

/**
 * Ranks split so every array index stays below the cluster's MaxArraySize (1001 by default):
 * rank r goes to the chunk with offset floor(r / max) * max, as index r - offset.
 */
export function chunkRanks(ranks: readonly number[], maxArraySize: number): ArrayChunk[] {
  const chunks = new Map<number, number[]>();
  for (const r of [...ranks].sort((a, b) => a - b)) {
    const offset = Math.floor(r / maxArraySize) * maxArraySize;
    const list = chunks.get(offset) ?? [];
    list.push(r - offset);
    chunks.set(offset, list);
  }
  return [...chunks].map(([offset, indices]) => ({ offset, indices }));
}
