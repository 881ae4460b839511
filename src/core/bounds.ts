import type { z } from '../vendor/zod.js';

/** A lower and an upper bound on one quantity, as param names: `['min_chars', 'max_chars']`. */
export type BoundPair<T> = readonly [min: keyof T & string, max: keyof T & string];

/**
 * Reports each pair whose min exceeds its max, on the min: such a stage would validate and then
 * drop every document. Bounds that are unset or switched off (`null`) are not compared.
 */
export function checkBounds<T extends object>(values: T, pairs: readonly BoundPair<T>[], ctx: Pick<z.RefinementCtx, 'addIssue'>, path: readonly PropertyKey[] = []): void {
  for (const [minKey, maxKey] of pairs) {
    const min = values[minKey];
    const max = values[maxKey];
    if (typeof min !== 'number' || typeof max !== 'number' || min <= max) continue;
    ctx.addIssue({ code: 'custom', path: [...path, minKey], message: `${minKey} (${min}) is greater than ${maxKey} (${max}), so every document would be dropped` });
  }
}

/** `checkBounds` as a zod refinement of a params object. */
export function boundsInOrder<T extends object>(pairs: readonly BoundPair<T>[]): (values: T, ctx: z.RefinementCtx<T>) => void {
  return (values, ctx) => checkBounds(values, pairs, ctx);
}
