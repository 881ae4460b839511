/** Param building blocks shared by the quality filters. */
import { z } from 'zod';

/** A ratio threshold; `null` switches the rule off. */
export const ratio = (value: number) => z.number().min(0).nullable().default(value);

/** A count threshold; `null` switches the rule off. */
export const count = (value: number) => z.number().int().nonnegative().nullable().default(value);

/** Which language a filter judges a document by: `auto` (meta, then script guess) or a fixed code. */
export const languageParams = {
  language: z.string().min(1).default('auto'),
  default_language: z.string().min(1).default('en'),
};

/**
 * The rules for each key of `overrides` (a language, a file extension): `base` with that key's
 * values on top. `base` is the stage's whole params object; its other fields are never read.
 */
export function withOverrides<T extends object>(base: T, overrides: Record<string, Partial<T>>, normalizeKey = (key: string) => key): Map<string, T> {
  const out = new Map<string, T>();
  for (const [key, over] of Object.entries(overrides)) out.set(normalizeKey(key), { ...base, ...over });
  return out;
}

/** `{2: 0.2, 3: 0.18}` in YAML: n-gram size -> threshold. */
export const ngramThresholds = (value: Record<string, number>) =>
  z
    .record(z.string().regex(/^[1-9][0-9]*$/, 'n-gram sizes are positive integers'), z.number().min(0))
    .default(value)
    .transform((rec) =>
      Object.entries(rec)
        .map(([n, frac]) => ({ n: Number(n), frac }))
        .sort((a, b) => a.n - b.n),
    );
