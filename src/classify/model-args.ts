/** fastText's stored training arguments, with its enum values (args.h) and its `supervised` defaults. */

export const MODEL_SUPERVISED = 3;
/** Loss enum as fastText stores it. */
export const LOSS_CODES = { hs: 1, ns: 2, softmax: 3, ova: 4 } as const;
export type LossName = keyof typeof LOSS_CODES;

export function lossName(code: number): LossName | undefined {
  return (Object.keys(LOSS_CODES) as LossName[]).find((k) => LOSS_CODES[k] === code);
}

export interface ModelArgs {
  dim: number;
  ws: number;
  epoch: number;
  minCount: number;
  neg: number;
  wordNgrams: number;
  loss: LossName;
  /** 1 cbow, 2 skipgram, 3 supervised. */
  model: number;
  bucket: number;
  minn: number;
  maxn: number;
  lrUpdateRate: number;
  t: number;
}

/** `fasttext supervised` defaults (the binary's Args, adjusted for the supervised command). */
export const SUPERVISED_DEFAULTS = {
  dim: 100,
  epoch: 5,
  lr: 0.1,
  wordNgrams: 1,
  minCount: 1,
  minCountLabel: 0,
  minn: 0,
  maxn: 0,
  bucket: 2_000_000,
  loss: 'softmax' as LossName,
  neg: 5,
  lrUpdateRate: 100,
  t: 1e-4,
  ws: 5,
  thread: 1,
  seed: 0,
};
