/** A numeric flag of a standalone bench entry (`--name v`); `dflt` when absent, an error naming the flag when not a number in range. */
export function numberFlag(value: string | undefined, dflt: number, name: string, opts: { allowZero?: boolean } = {}): number {
  if (value === undefined) return dflt;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && !opts.allowZero)) throw new Error(`--${name} must be a ${opts.allowZero ? 'non-negative' : 'positive'} number, got ${value}`);
  return n;
}
