/**
 * Gopher repetition rules (Rae et al. 2021, MassiveText, table A1), with datatrove's semantics:
 * duplicated paragraphs (split on 2+ newlines of the stripped text) and lines (split on 1+
 * newlines), then the most frequent 2/3/4-gram, then duplicated 5..10-grams. Fractions of
 * characters are over the whole text's length.
 *
 * Words are the shared tokens (src/filters/text/tokens.ts), so Chinese and Japanese are counted
 * per character. The length of a top n-gram is its words joined by spaces, as in datatrove,
 * except that no space is counted next to a character of a spaceless script (the text has none
 * there; counting one would inflate a Chinese 4-gram from 4 to 7 characters). N-grams are
 * compared as word sequences (datatrove joins the words of a duplicated n-gram without a
 * separator, so it would also equate ["ab","c"] with ["a","bc"]). Thresholds are Gopher's for
 * every language: for Chinese and Japanese they apply to character n-grams.
 */
import { z } from '../vendor/zod.js';
import type { Doc } from '../core/doc.js';
import { defineFilter, drop, type Drop } from '../core/stage.js';
import { ngramThresholds, ratio } from './params.js';
import { skipSpaceBackward, skipSpaceForward } from './text/chars.js';
import { SequenceCounter, SpanInterner } from './text/hash-table.js';
import { TOKEN_NOSPACE, tokenize } from './text/tokens.js';

export const gopherRepetitionParams = z
  .object({
    dup_line_frac: ratio(0.3),
    dup_para_frac: ratio(0.3),
    dup_line_char_frac: ratio(0.2),
    dup_para_char_frac: ratio(0.2),
    top_n_grams: ngramThresholds({ 2: 0.2, 3: 0.18, 4: 0.16 }),
    dup_n_grams: ngramThresholds({ 5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.1 }),
  })
  .strict();

export type GopherRepetitionParams = z.output<typeof gopherRepetitionParams>;

const round = (x: number) => Math.round(x * 10000) / 10000;

/**
 * A rule's verdict: a drop when `value` is over `max` (null: the rule is off). The drop is built
 * here rather than in the filter's body, where the first document to take a rule's rare path
 * left V8 without feedback for it and deoptimised the whole filter, more than once a run.
 */
function overMax(reason: string, value: number, max: number | null): Drop | undefined {
  return max !== null && value > max ? drop(reason, { value: round(value), max }) : undefined;
}

/** Scratch state reused across documents (one instance per filter). */
class RepetitionScratch {
  spans = new SpanInterner();
  ngrams = new SequenceCounter();
  ids = new Int32Array(4096);
  /** cum[k] = summed length of tokens [0, k). */
  cum = new Int32Array(4097);
  /** gaps[k] = number of joins between tokens [0, k) that count a space (no space next to a spaceless-script character). */
  gaps = new Int32Array(4097);
  private flags = new Uint8Array(4096);

  /** Per-position flags: 1 where the n-gram repeats an earlier one (for the duplicated-n-gram bound). */
  repeatFlags(tokens: number): Uint8Array {
    if (this.flags.length < tokens) this.flags = new Uint8Array(this.ids.length);
    return this.flags;
  }

  ensure(tokens: number): void {
    if (this.ids.length < tokens) {
      let n = this.ids.length;
      while (n < tokens) n *= 2;
      this.ids = new Int32Array(n);
      this.cum = new Int32Array(n + 1);
      this.gaps = new Int32Array(n + 1);
    }
  }
}

export function gopherRepetition(params: GopherRepetitionParams): (doc: Doc) => Drop | undefined {
  const scratch = new RepetitionScratch();
  const topNs = params.top_n_grams;
  const dupNs = params.dup_n_grams;
  const minDupN = dupNs.length > 0 ? dupNs[0]!.n : 0;
  const minDupFrac = dupNs.reduce((m, d) => Math.min(m, d.frac), Infinity);

  return (doc) => {
    const text = doc.text;
    const L = text.length;
    if (L === 0) return undefined;
    const spans = scratch.spans;

    // Lines: re.split("\n+", text), empty first/last elements included. Counted first because
    // their duplicates decide whether the paragraph pass can be skipped; checked after paragraphs.
    const lineRules = params.dup_line_frac !== null || params.dup_line_char_frac !== null;
    const paraRules = params.dup_para_frac !== null || params.dup_para_char_frac !== null;
    let lines = 0;
    let lineDups = 0;
    let lineDupChars = 0;
    if (lineRules || paraRules) {
      spans.reset(text, 64);
      let p = 0;
      for (;;) {
        const i = text.indexOf('\n', p);
        const end = i === -1 ? L : i;
        spans.intern(p, end);
        lines++;
        if (!spans.added) {
          lineDups++;
          lineDupChars += end - p;
        }
        if (i === -1) break;
        let j = i + 1;
        while (j < L && text.charCodeAt(j) === 10) j++;
        p = j;
      }
    }

    // Paragraphs: re.split(r"\n{2,}", text.strip()). Without a blank line there is one paragraph.
    // When no line repeats and the text has no surrounding whitespace, every paragraph is a run of
    // whole lines, so none can repeat either and the pass is skipped.
    const a = skipSpaceForward(text, 0, L);
    const b = skipSpaceBackward(text, a, L);
    if (paraRules && text.includes('\n\n') && !(lineDups === 0 && a === 0 && b === L)) {
      spans.reset(text, 16);
      let paragraphs = 0;
      let dups = 0;
      let dupChars = 0;
      let p = a;
      for (;;) {
        const i = text.indexOf('\n\n', p);
        const end = i === -1 || i >= b ? b : i;
        spans.intern(p, end);
        paragraphs++;
        if (!spans.added) {
          dups++;
          dupChars += end - p;
        }
        if (end === b) break;
        let j = i + 2;
        while (j < b && text.charCodeAt(j) === 10) j++;
        p = j;
      }
      const para = overMax('dup_para_frac', dups / paragraphs, params.dup_para_frac) ?? overMax('dup_para_char_frac', dupChars / L, params.dup_para_char_frac);
      if (para) return para;
    }

    const line = overMax('dup_line_frac', lineDups / lines, params.dup_line_frac) ?? overMax('dup_line_char_frac', lineDupChars / L, params.dup_line_char_frac);
    if (line) return line;

    if (topNs.length === 0 && dupNs.length === 0) return undefined;
    const tokens = tokenize(text);
    const count = tokens.count;
    scratch.ensure(count);
    const ids = scratch.ids;
    const cum = scratch.cum;
    const gaps = scratch.gaps;
    const flags = tokens.flags;
    const hashes = tokens.hashes;
    spans.reset(text, count);
    cum[0] = 0;
    gaps[0] = 0;
    for (let k = 0; k < count; k++) {
      const s = tokens.start[k]!;
      const e = tokens.end[k]!;
      ids[k] = spans.internHashed(s, e, hashes[k]!);
      cum[k + 1] = cum[k]! + (e - s);
      // gaps[k + 1] counts the join between tokens k - 1 and k.
      gaps[k + 1] = gaps[k]! + (k > 0 && ((flags[k]! | flags[k - 1]!) & TOKEN_NOSPACE) === 0 ? 1 : 0);
    }
    const ngrams = scratch.ngrams;

    // Most frequent n-gram (ties: the first seen), times its length with spaces. An n-gram occurs
    // at most as often as its prefix (n-1)-gram, so the largest count of a smaller n (or of a
    // word) times the longest n-gram bounds the value; passes whose bound stays under the
    // threshold are skipped without changing any verdict.
    let maxCount = 0;
    for (let id = 0; id < spans.size; id++) if (spans.counts[id]! > maxCount) maxCount = spans.counts[id]!;
    let maxToken = 0;
    for (let id = 0; id < spans.size; id++) if (spans.spanLength[id]! > maxToken) maxToken = spans.spanLength[id]!;
    let flagsN = 0;
    const repeatFlags = scratch.repeatFlags(count);
    for (const { n, frac } of topNs) {
      const windows = count - n + 1;
      if (windows <= 0) continue;
      // n * (longest token + 1) bounds the longest n-gram without a pass over the windows.
      if (maxCount * n * (maxToken + 1) <= frac * L) continue;
      let longest = 0;
      for (let p = 0; p < windows; p++) {
        const chars = cum[p + n]! - cum[p]! + gaps[p + n]! - gaps[p + 1]!;
        if (chars > longest) longest = chars;
      }
      if (maxCount * longest <= frac * L) continue;
      ngrams.reset(ids, n, windows, spans.size);
      const record = flagsN === 0 && n <= minDupN;
      for (let p = 0; p < windows; p++) {
        ngrams.add(p);
        if (record) repeatFlags[p] = ngrams.added ? 0 : 1;
      }
      if (record) flagsN = n;
      let best = 0;
      const counts = ngrams.counts;
      for (let e = 1; e < ngrams.size; e++) if (counts[e]! > counts[best]!) best = e;
      maxCount = counts[best]!;
      const first = ngrams.firstPos[best]!;
      const spaces = gaps[first + n]! - gaps[first + 1]!;
      const topChars = (cum[first + n]! - cum[first]! + spaces) * maxCount;
      const top = overMax(`top_${n}_gram`, topChars / L, frac);
      if (top) return top;
    }

    if (dupNs.length === 0 || count < minDupN) return undefined;
    return duplicatedNgrams(scratch, count, L, dupNs, minDupN, minDupFrac, flagsN, repeatFlags, spans.size);
  };
}

/**
 * The duplicated 5..10-gram rules, given the tokens' ids and summed lengths in `scratch`. Apart
 * from the filter's closure because its paths run for few documents: inside the closure, the
 * first document to take one deoptimised the whole filter, which V8 then compiled again (8-9
 * times in a 43 MB run, by --trace-opt, one-off; 4-7 times since).
 */
function duplicatedNgrams(
  scratch: RepetitionScratch,
  count: number,
  L: number,
  dupNs: GopherRepetitionParams['dup_n_grams'],
  minDupN: number,
  /** The smallest threshold of dupNs. */
  minDupFrac: number,
  flagsN: number,
  repeatFlags: Uint8Array,
  distinctTokens: number,
): Drop | undefined {
  const { ids, cum, ngrams } = scratch;
  // Upper bound for every duplicated-n-gram fraction (n >= minDupN): the characters of words
  // covered by a repeated minDupN-gram (any word inside a counted duplicate n-gram lies in one).
  // A repeated minDupN-gram is a run of minDupN - k + 1 repeated k-grams, so when a k-gram pass
  // recorded which positions repeat an earlier k-gram, the words under such runs bound it more
  // cheaply; only if that bound is too high does the minDupN-gram pass run.
  let covered = Infinity;
  if (flagsN > 0) {
    const need = minDupN - flagsN + 1;
    const windows = count - flagsN + 1;
    covered = 0;
    let coveredUntil = 0;
    let runStart = -1;
    for (let p = 0; p <= windows; p++) {
      if (p < windows && repeatFlags[p] === 1) {
        if (runStart < 0) runStart = p;
        continue;
      }
      if (runStart >= 0 && p - runStart >= need) {
        const from = runStart > coveredUntil ? runStart : coveredUntil;
        const to = p - 1 + flagsN;
        if (to > from) covered += cum[to]! - cum[from]!;
        coveredUntil = to;
      }
      runStart = -1;
    }
  }
  if (covered / L > minDupFrac) {
    const windows = count - minDupN + 1;
    ngrams.reset(ids, minDupN, windows, distinctTokens);
    covered = 0;
    let coveredUntil = 0;
    for (let p = 0; p < windows; p++) {
      ngrams.add(p);
      if (!ngrams.added) {
        const from = p > coveredUntil ? p : coveredUntil;
        covered += cum[p + minDupN]! - cum[from]!;
        coveredUntil = p + minDupN;
      }
    }
  }
  for (const { n, frac } of dupNs) {
    if (covered / L <= frac) continue;
    const last = count - n + 1;
    if (last <= 0) continue;
    ngrams.reset(ids, n, last, distinctTokens);
    let repeated = 0;
    let idx = 0;
    while (idx < last) {
      ngrams.add(idx);
      if (ngrams.added) idx++;
      else {
        repeated += cum[idx + n]! - cum[idx]!;
        idx += n;
      }
    }
    const dup = overMax(`duplicated_${n}_n_grams`, repeated / L, frac);
    if (dup) return dup;
  }
  return undefined;
}

export const gopherRepetitionFilter = defineFilter({
  name: 'gopher_repetition',
  summary: 'Gopher repetition rules: duplicated lines and paragraphs, top 2-4-grams, duplicated 5-10-grams',
  params: gopherRepetitionParams,
  create: (params) => gopherRepetition(params),
});
