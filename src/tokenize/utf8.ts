/**
 * UTF-8 helpers on UTF-16 code units. A lone surrogate becomes U+FFFD (EF BF BD), as the
 * WHATWG encoder (and so tiktoken's JS binding) writes it.
 */
import type { Units } from './code-units.js';

/** Writes the code units text[start, end) as UTF-8 into out at 0; returns the byte count. out needs 3 bytes per code unit. */
export function encodeUtf8Into(text: Units, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    let c = text[i]!;
    if (c < 0x80) {
      out[n++] = c;
      continue;
    }
    if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
      continue;
    }
    if ((c & 0xf800) === 0xd800) {
      const d = i + 1 < end ? text[i + 1]! : 0;
      if (c < 0xdc00 && (d & 0xfc00) === 0xdc00) {
        const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
        out[n++] = 0xf0 | (cp >> 18);
        out[n++] = 0x80 | ((cp >> 12) & 0x3f);
        out[n++] = 0x80 | ((cp >> 6) & 0x3f);
        out[n++] = 0x80 | (cp & 0x3f);
        i++;
        continue;
      }
      c = 0xfffd;
    }
    out[n++] = 0xe0 | (c >> 12);
    out[n++] = 0x80 | ((c >> 6) & 0x3f);
    out[n++] = 0x80 | (c & 0x3f);
  }
  return n;
}

const encoder = new TextEncoder();

export function utf8Bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The string tiktoken actually tokenizes: every lone surrogate replaced by U+FFFD. */
export function wellFormed(text: string): string {
  return text.replace(LONE_SURROGATE, '\ufffd');
}
