/**
 * The character classes tiktoken's pre-tokenization patterns distinguish, per code point, with
 * the Unicode semantics of the Rust regex engine tiktoken uses (see generate-classes.ts).
 *
 * The patterns only ask about \s, \p{N}, \p{L}, \p{M} and the letter categories, so nine disjoint
 * classes are enough. They are disjoint in Unicode: no White_Space character is a letter or number.
 */
import { CLASS_RUNS } from './classes.data.js';

export const CharClass = {
  Other: 0,
  /** White_Space (Rust's \s): includes U+0085, excludes U+FEFF, unlike JavaScript's \s. */
  Space: 1,
  /** \p{N}: Nd, Nl, No. */
  Number: 2,
  Lu: 3,
  Lt: 4,
  Ll: 5,
  Lm: 6,
  Lo: 7,
  /** \p{M}: Mn, Mc, Me. Not a letter for \p{L}, but on both sides of o200k's case split. */
  Mark: 8,
} as const;
export type CharClass = (typeof CharClass)[keyof typeof CharClass];

let table: Uint8Array | undefined;

/**
 * Class of every code point U+0000..U+10FFFF (1.1 MB, built once from the generated runs).
 * Surrogate code points are Other; the encoders see a lone surrogate as U+FFFD (also Other).
 */
export function codePointClasses(): Uint8Array {
  if (table) return table;
  const t = new Uint8Array(0x110000);
  let pos = 0;
  for (const run of CLASS_RUNS.split(';')) {
    const [gap, length, cls] = run.split(',');
    pos += Number.parseInt(gap!, 36);
    const end = pos + Number.parseInt(length!, 36);
    t.fill(Number(cls), pos, end);
    pos = end;
  }
  table = t;
  return t;
}

/** Inclusive code point ranges of one class, for building explicit regex character classes. */
export function classRanges(cls: CharClass): [number, number][] {
  const t = codePointClasses();
  const ranges: [number, number][] = [];
  for (let cp = 0; cp < t.length; cp++) {
    if (t[cp] !== cls) continue;
    const lo = cp;
    while (cp + 1 < t.length && t[cp + 1] === cls) cp++;
    ranges.push([lo, cp]);
  }
  return ranges;
}

/** Bit flags per code point for the scanners: one table lookup answers every class test. */
export const Flag = {
  /** \p{L} */
  Letter: 1,
  /** \p{N} */
  Number: 2,
  /** \s (White_Space) */
  Space: 4,
  /** o200k's [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] */
  Upperish: 8,
  /** o200k's [\p{Ll}\p{Lm}\p{Lo}\p{M}] */
  Lowerish: 16,
} as const;

const CLASS_FLAGS: readonly number[] = [
  0, // Other
  Flag.Space,
  Flag.Number,
  Flag.Letter | Flag.Upperish, // Lu
  Flag.Letter | Flag.Upperish, // Lt
  Flag.Letter | Flag.Lowerish, // Ll
  Flag.Letter | Flag.Upperish | Flag.Lowerish, // Lm
  Flag.Letter | Flag.Upperish | Flag.Lowerish, // Lo
  Flag.Upperish | Flag.Lowerish, // Mark
];

let flags: Uint8Array | undefined;

export function codePointFlags(): Uint8Array {
  if (flags) return flags;
  const t = codePointClasses();
  const f = new Uint8Array(t.length);
  for (let cp = 0; cp < t.length; cp++) f[cp] = CLASS_FLAGS[t[cp]!]!;
  flags = f;
  return f;
}
