/** Param building blocks shared by the quality filters. */
import { z } from '../vendor/zod.js';

/** A ratio threshold; `null` switches the rule off. */
export const ratio = (value: number) => z.number().min(0).nullable().default(value);

/** A count threshold; `null` switches the rule off. */
export const count = (value: number) => z.number().int().nonnegative().nullable().default(value);

/** Which language a filter judges a document by: `auto` (meta, then script guess) or a fixed code. */
export const languageParams = {
  language: z.string().min(1).default('auto'),
  default_language: z.string().min(1).default('en'),
};

/** `schema` with its default (or prefault) taken off, so that a missing value stays missing. */
function withoutDefault(schema: z.ZodType): z.ZodType {
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault) return withoutDefault(schema.unwrap() as z.ZodType);
  return schema;
}

/**
 * The schema of an override (`per_language`, `extensions`): every field of `rules` optional and
 * without its default. zod's `.partial()` keeps the defaults, so an override naming one threshold
 * would silently reset every other one to the built-in default instead of the stage's own value.
 */
export function overridesOf<S extends z.ZodRawShape>(rules: z.ZodObject<S>): z.ZodObject<{ [K in keyof S]: z.ZodOptional<S[K]> }> {
  const shape = Object.fromEntries(Object.entries(rules.shape).map(([key, field]) => [key, withoutDefault(field as z.ZodType).optional()]));
  // the output type of a defaulted field made optional is the same as partial()'s
  return z.object(shape).strict() as unknown as z.ZodObject<{ [K in keyof S]: z.ZodOptional<S[K]> }>;
}

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
