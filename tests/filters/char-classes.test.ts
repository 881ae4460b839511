/**
 * The filters' BMP character table is decoded from char-classes.data.ts instead of computed
 * with Unicode-property regexes at every process start: the recorded runs must be what this
 * runtime's regexes give, or the filters' decisions would depend on which way the table was made.
 */
import { describe, expect, it } from 'vitest';
import { ALPHA, CHAR_FLAGS, CHAR_SCRIPT, LOWER, NOSPACE, WORDCHAR, decodeRuns, encodeRuns, unicodeClasses } from '../../src/filters/text/chars.js';
import { UNICODE_VERSION } from '../../src/filters/text/char-classes.data.js';

const REGENERATE = 'npm run build && node dist/filters/text/generate-char-classes.js > src/filters/text/char-classes.data.ts';

describe('recorded character classes', () => {
  it(`were generated with this runtime's Unicode version (otherwise: ${REGENERATE})`, () => {
    expect(UNICODE_VERSION).toBe(process.versions.unicode);
  });

  it('equal the regexes over every BMP code unit: letters, word characters, lower case, spaceless scripts and script buckets', () => {
    const { flags, scripts } = unicodeClasses();
    const recorded = Uint8Array.from(CHAR_FLAGS, (f) => f & (ALPHA | WORDCHAR | LOWER | NOSPACE));
    const firstDifference = flags.findIndex((f, i) => f !== recorded[i]);
    expect(firstDifference, `U+${firstDifference.toString(16)}: regenerate with ${REGENERATE}`).toBe(-1);
    expect(Buffer.from(CHAR_SCRIPT).equals(Buffer.from(scripts))).toBe(true);
  });

  it('runs round trip, and runs that do not cover the BMP are refused', () => {
    const table = new Uint8Array(0x10000);
    table.fill(7, 10, 20);
    table[0xffff] = 35;
    expect(decodeRuns(encodeRuns(table))).toEqual(table);
    expect(() => decodeRuns('a,1')).toThrow(/cover 10 code units/);
  });
});
