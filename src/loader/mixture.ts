import { createHash } from 'node:crypto';
import { SluiceError } from '../core/errors.js';

/** Source name -> sampling weight (any positive scale; normalised to sum 1). */
export type Mixture = Record<string, number>;

/** Parses `web=0.6,code=0.2,books=0.1,wiki=0.1`. */
export function parseMixture(spec: string): Mixture {
  const out: Mixture = {};
  for (const part of spec.split(',')) {
    const m = /^\s*([^=\s]+)\s*=\s*([0-9.eE+-]+)\s*$/.exec(part);
    if (!m) throw new SluiceError('SLUICE_USAGE', `mixture entry "${part}" is not source=weight`, { hint: 'e.g. --mixture web=0.6,code=0.2,books=0.1,wiki=0.1' });
    const [, name, weight] = m as unknown as [string, string, string];
    if (name in out) throw new SluiceError('SLUICE_USAGE', `mixture names source "${name}" twice`);
    out[name] = Number(weight);
  }
  return out;
}

export interface NormalisedMixture {
  /** Sources with weight > 0, sorted by name. */
  names: string[];
  weights: number[];
  /** 32-bit digest of names and normalised weights: resume states carry it. */
  fingerprint: number;
}

export function normaliseMixture(mix: Mixture, available: readonly string[]): NormalisedMixture {
  const names = Object.keys(mix).sort();
  for (const name of names) {
    const w = mix[name]!;
    if (!Number.isFinite(w) || w < 0) throw new SluiceError('SLUICE_LOADER', `mixture weight for "${name}" is ${w}; weights are finite and >= 0`);
    if (!available.includes(name)) {
      throw new SluiceError('SLUICE_LOADER', `mixture names source "${name}", which the dataset does not have`, { hint: `sources in this dataset: ${available.join(', ')}` });
    }
  }
  const kept = names.filter((n) => mix[n]! > 0);
  if (kept.length === 0) throw new SluiceError('SLUICE_LOADER', 'mixture gives every source weight 0');
  const total = kept.reduce((a, n) => a + mix[n]!, 0);
  const weights = kept.map((n) => mix[n]! / total);
  const fingerprint = createHash('sha256')
    .update(JSON.stringify(kept.map((n, i) => [n, weights[i]])))
    .digest()
    .readUInt32LE(0);
  return { names: kept, weights, fingerprint };
}

/**
 * Assigns each sequence slot (a rank's j-th sequence) to a source, deterministically and in
 * exact proportion: slot j goes to the source with the largest deficit w_s * (j + 1) - c_s,
 * where c_s counts slots already given to s; ties go to the first source by name. This is
 * Megatron-LM's blended-dataset rule; it keeps every source within one slot of its share.
 */
export class SlotAssigner {
  readonly counts: Float64Array;
  private slot = 0;

  constructor(private readonly weights: readonly number[]) {
    this.counts = new Float64Array(weights.length);
  }

  /** Source of the next slot; `counts[s]` before the call is that slot's index within source s. */
  next(): number {
    const j = this.slot++;
    if (this.weights.length === 1) {
      this.counts[0]!++;
      return 0;
    }
    let best = 0;
    let bestDeficit = -Infinity;
    for (let s = 0; s < this.weights.length; s++) {
      const deficit = this.weights[s]! * (j + 1) - this.counts[s]!;
      if (deficit > bestDeficit) {
        best = s;
        bestDeficit = deficit;
      }
    }
    this.counts[best]!++;
    return best;
  }

  /** Moves to slot `slot` from the start (resume). */
  seek(slot: number): void {
    this.counts.fill(0);
    this.slot = 0;
    if (this.weights.length === 1) {
      this.counts[0] = slot;
      this.slot = slot;
      return;
    }
    while (this.slot < slot) this.next();
  }
}
