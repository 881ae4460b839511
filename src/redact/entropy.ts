/** Shannon entropy of a text range, for the secret detectors' randomness thresholds. */

/** Scratch counts (ASCII; one bucket for the rest). */
const COUNTS = new Int32Array(129);

/** Bits per character of text[start, end). */
export function entropy(text: string, start: number, end: number): number {
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    COUNTS[c < 128 ? c : 128]!++;
  }
  const n = end - start;
  let h = 0;
  for (let p = start; p < end; p++) {
    const c = text.charCodeAt(p);
    const b = c < 128 ? c : 128;
    const k = COUNTS[b]!;
    if (k > 0) {
      h -= (k / n) * Math.log2(k / n);
      COUNTS[b] = 0;
    }
  }
  return h;
}
