import { SluiceError } from '../core/errors.js';

/**
 * Where a loader stands: the next step and everything that must be equal for that step to
 * mean the same batch. A few integers, JSON-friendly, identical in TypeScript and Python.
 */
export interface LoaderState {
  version: 1;
  /** The next batch's step. */
  step: number;
  seed: number;
  rank: number;
  world: number;
  seq_len: number;
  batch: number;
  shuffle_buffer: number;
  /** Fingerprint of the dataset (shards and tokenizer). */
  dataset: number;
  /** Fingerprint of the mixture; 0 without one. */
  mixture: number;
}

export const STATE_KEYS = ['version', 'step', 'seed', 'rank', 'world', 'seq_len', 'batch', 'shuffle_buffer', 'dataset', 'mixture'] as const;

/** Parses and checks a state given as JSON text or an object. */
export function parseState(input: string | unknown): LoaderState {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch {
      throw new SluiceError('SLUICE_USAGE', `resume state is not JSON: ${input.slice(0, 80)}`, {
        hint: 'pass the object state() / state_dict() returned, e.g. --resume \'{"version":1,"step":120,...}\'',
      });
    }
  }
  if (typeof raw !== 'object' || raw === null) throw new SluiceError('SLUICE_USAGE', 'resume state is not an object');
  const o = raw as Record<string, unknown>;
  for (const key of STATE_KEYS) {
    const v = o[key];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
      throw new SluiceError('SLUICE_USAGE', `resume state: ${key} is ${JSON.stringify(v)}, not a non-negative integer`, { hint: `a state has the keys ${STATE_KEYS.join(', ')}` });
    }
  }
  if (o['version'] !== 1) throw new SluiceError('SLUICE_USAGE', `resume state version ${String(o['version'])} is not 1`);
  return Object.fromEntries(STATE_KEYS.map((k) => [k, o[k]])) as unknown as LoaderState;
}
