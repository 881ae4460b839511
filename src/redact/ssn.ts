/**
 * US Social Security numbers: area 001-899 except 666, group 01-99, serial 0001-9999.
 * The dashed form (284-89-3485) is distinctive enough on its own; spaced and bare nine-digit
 * forms need "SSN" or "social security" nearby. Area 9xx is never issued (fake mode uses the
 * SSA's advertising range 987-65-4320..4329).
 */
import { numericLeftOk, numericRightOk } from './chars.js';
import type { DigitGroups } from './digit-groups.js';
import type { Prng } from './hash.js';
import type { Span } from './spans.js';

/** Numbers famous from wallets and examples; published, so not anyone's private number. */
const WELL_KNOWN = new Set(['078051120', '219099999', '123456789']);

const CONTEXT = /(?:^|[^a-z])(?:ssns?|social[\s-]+security|ss\s?#|s\.s\.n|soc\.?\s?sec)/;
const CONTEXT_WINDOW = 48;

/** The last line break in text[min, p], or -1. Bounded: lastIndexOf would scan to the text's start, quadratic on one long line of numbers. */
function lastNewline(text: string, p: number, min: number): number {
  for (; p >= min; p--) if (text.charCodeAt(p) === 10) return p;
  return -1;
}

/**
 * "SSN" or "social security" before the number on the same line, or on the line above when
 * nothing but spaces and punctuation precedes the number on its own line (form layouts).
 */
function hasSsnContext(text: string, start: number): boolean {
  let from = Math.max(0, start - CONTEXT_WINDOW);
  const lineStart = lastNewline(text, start - 1, from);
  if (lineStart >= from) {
    const own = text.slice(lineStart + 1, start);
    from = /[A-Za-z0-9]/.test(own) ? lineStart + 1 : Math.max(from, lastNewline(text, lineStart - 1, from) + 1);
  }
  return CONTEXT.test(text.slice(from, start).toLowerCase());
}

function validParts(area: number, group: number, serial: number): boolean {
  return area >= 1 && area <= 899 && area !== 666 && group >= 1 && serial >= 1;
}

export function matchSsn(text: string, start: number, g: DigitGroups, out: Span[]): number {
  let end: number;
  let area: number;
  let group: number;
  let serial: number;
  // spaced and bare forms count only after "SSN" or "social security"
  let needsContext: boolean;
  if (g.count >= 3 && g.len(0) === 3 && g.len(1) === 2 && g.len(2) === 4) {
    const s0 = g.sepChar(text, 0);
    const s1 = g.sepChar(text, 1);
    const dashed = s0 === 45 && s1 === 45;
    const spaced = s0 === 32 && s1 === 32;
    if (!dashed && !spaced) return -1;
    end = g.end[2]!;
    needsContext = spaced;
    area = g.value(text, 0);
    group = g.value(text, 1);
    serial = g.value(text, 2);
  } else if (g.len(0) === 9) {
    end = g.end[0]!;
    needsContext = true;
    const v = g.value(text, 0);
    area = Math.floor(v / 1e6);
    group = Math.floor(v / 1e4) % 100;
    serial = v % 1e4;
  } else return -1;
  if (!numericLeftOk(text, start) || !numericRightOk(text, end)) return -1;
  if (!validParts(area, group, serial)) return -1;
  // last: the context test slices, lower-cases and runs a regex
  if (needsContext && !hasSsnContext(text, start)) return -1;
  const digits = String(area).padStart(3, '0') + String(group).padStart(2, '0') + String(serial).padStart(4, '0');
  if (!WELL_KNOWN.has(digits)) out.push({ start, end, kind: 'us_ssn', detector: 'us_ssn' });
  return end;
}

/** 987-65-432x in the layout of `value`: an area that is never issued. */
export function fakeSsn(value: string, rng: Prng): string {
  const fake = '98765432' + String(rng.int(0, 9));
  let k = 0;
  return value.replace(/\d/g, () => fake[k++] ?? '0');
}
