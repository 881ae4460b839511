import { z } from '../vendor/zod.js';

const UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1e3,
  kb: 1e3,
  m: 1e6,
  mb: 1e6,
  g: 1e9,
  gb: 1e9,
  t: 1e12,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/** Parses `256MiB`, `1.5 GB`, `4096`; returns undefined when the text is not a size. */
export function parseSize(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text > 0 ? Math.floor(text) : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (!m) return undefined;
  const unit = UNITS[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return undefined;
  const bytes = Math.floor(Number(m[1]) * unit);
  return bytes > 0 ? bytes : undefined;
}

/** The JSON Schema title of every byte size: `sluice list` shows such a parameter as `size`, and editors show the title on hover. */
export const SIZE_TITLE = 'byte size (a number, or a string with a unit: 256MiB, 1GB)';

/**
 * A byte size in YAML: a positive number or a string with a unit. Give defaults as
 * `.prefault('16MiB')`: parsed like user input, they show in `sluice list` and the JSON Schema,
 * where a `.default()` behind the transform does not.
 */
export const sizeSchema = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const bytes = parseSize(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is not a byte size (examples: 256MiB, 1GB, 1048576)` });
      return z.NEVER;
    }
    return bytes;
  })
  .meta({ title: SIZE_TITLE });
