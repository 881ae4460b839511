/**
 * A string's UTF-16 code units in a reused Uint16Array. The encoder reads every code unit two or
 * three times (pre-tokenizer, cache key, UTF-8 on a miss); in V8, charCodeAt on the strings
 * documents arrive as (slices of a file, two-byte strings) measured about 3x slower per read
 * than a typed-array read, while copying the string once with Buffer#write('utf16le') is a
 * native memcpy-speed pass.
 */

/** UTF-16 code units, indexed like the string they came from. */
export type Units = Uint16Array;

/** Buffers up to this many code units (2 MiB) are kept for the next call; longer texts get a one-off array. */
const KEEP_UNITS = 1 << 20;

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export class CodeUnits {
  private units: Uint16Array;
  private bytes: Buffer;

  constructor(initial = 1 << 13) {
    this.units = new Uint16Array(initial);
    this.bytes = Buffer.from(this.units.buffer);
  }

  /**
   * text's code units at [0, text.length) of an array that is reused by the next call (it may be
   * longer than the text). Lone surrogates are copied as they are.
   */
  of(text: string): Units {
    if (text.length > this.units.length) {
      if (text.length > KEEP_UNITS) return unitsOf(text, new Uint16Array(text.length));
      let cap = this.units.length * 2;
      while (cap < text.length) cap *= 2;
      this.units = new Uint16Array(cap);
      this.bytes = Buffer.from(this.units.buffer);
    }
    if (!LITTLE_ENDIAN) return unitsOf(text, this.units);
    this.bytes.write(text, 0, 'utf16le');
    return this.units;
  }
}

function unitsOf(text: string, out: Uint16Array): Uint16Array {
  if (LITTLE_ENDIAN) {
    Buffer.from(out.buffer, out.byteOffset, out.byteLength).write(text, 0, 'utf16le');
  } else {
    for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  }
  return out;
}
