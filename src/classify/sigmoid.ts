/**
 * fastText's lookup tables for the sigmoid and the logarithm (loss.cc): 512 cells over [-8, 8]
 * and (0, 1]. The one-vs-all and negative-sampling heads predict through the sigmoid table, and
 * training uses both, so the cells are computed as fastText computes them (float32 argument,
 * float32 exp, stored as float32).
 */
const SIGMOID_TABLE_SIZE = 512;
const MAX_SIGMOID = 8;
const LOG_TABLE_SIZE = 512;

const sigmoidTable = new Float32Array(SIGMOID_TABLE_SIZE + 1);
for (let i = 0; i <= SIGMOID_TABLE_SIZE; i++) {
  const x = Math.fround(Math.fround((i * 2 * MAX_SIGMOID) / SIGMOID_TABLE_SIZE) - MAX_SIGMOID);
  sigmoidTable[i] = 1 / (1 + Math.fround(Math.exp(-x)));
}

const logTable = new Float32Array(LOG_TABLE_SIZE + 1);
for (let i = 0; i <= LOG_TABLE_SIZE; i++) logTable[i] = Math.log((i + 1e-5) / LOG_TABLE_SIZE);

/** Table sigmoid of a float32 `x`. */
export function tableSigmoid(x: number): number {
  if (x < -MAX_SIGMOID) return 0;
  if (x > MAX_SIGMOID) return 1;
  // (x + 8) * 512 / 8 / 2 in float32; the scalings by powers of two are exact
  return sigmoidTable[Math.floor(Math.fround(x + MAX_SIGMOID) * 32)]!;
}

/** Table logarithm for training losses. */
export function tableLog(x: number): number {
  if (x > 1) return 0;
  return logTable[Math.floor(x * LOG_TABLE_SIZE)]!;
}

/** fastText's std_log: log(x + 1e-5) for a float32 x, as float32. */
export function stdLog(x: number): number {
  return Math.fround(Math.log(Math.fround(x) + 1e-5));
}
