/**
 * Sentence counting for c4's `too_few_sentences`, a light stand-in for NLTK's punkt that works
 * across scripts: a sentence ends at a run of terminal punctuation (datatrove's set, so also
 * 。！？ । ؟ ...) followed by optional closing quotes/brackets and then whitespace or the end of
 * the line. CJK full-width marks end a sentence even without a following space. A period after a
 * known abbreviation (data/abbreviations.json) or a single letter, or followed by a lower-case
 * word, does not end one. Text after the last end that has a letter or digit is one more sentence.
 */
import { readFilterJson } from '../data-files.js';
import { CHAR_FLAGS, LOWER, SPACE, TERMINAL, WORDCHAR } from './chars.js';

let abbreviations: Set<string> | undefined;

function abbreviationSet(): Set<string> {
  return (abbreviations ??= new Set(readFilterJson<{ words: string[] }>('abbreviations.json').words));
}

function isCloser(c: number): boolean {
  // " ' ) ] } » ” ’ 」 』 ）
  return c === 0x22 || c === 0x27 || c === 0x29 || c === 0x5d || c === 0x7d || c === 0xbb || c === 0x201d || c === 0x2019 || c === 0x300d || c === 0x300f || c === 0xff09;
}

function isFullWidthEnd(c: number): boolean {
  return c === 0x3002 || c === 0xff01 || c === 0xff1f || c === 0xff61 || c === 0xff0e;
}

/** Whether the period at `dot` follows an abbreviation or an initial. */
function afterAbbreviation(s: string, dot: number): boolean {
  let a = dot;
  while (a > 0 && (CHAR_FLAGS[s.charCodeAt(a - 1)]! & SPACE) === 0) a--;
  while (a < dot && (CHAR_FLAGS[s.charCodeAt(a)]! & WORDCHAR) === 0) a++;
  const len = dot - a;
  if (len === 0) return false;
  if (len === 1) return (CHAR_FLAGS[s.charCodeAt(a)]! & WORDCHAR) !== 0 && !(s.charCodeAt(a) >= 0x30 && s.charCodeAt(a) <= 0x39);
  if (len > 8) return false;
  return abbreviationSet().has(s.slice(a, dot).toLowerCase());
}

export function countSentences(s: string, start = 0, end = s.length): number {
  let count = 0;
  // WORDCHAR's bit when the current sentence has a letter or digit: or-ed in without a branch,
  // which every space and punctuation mark would mispredict.
  let content = 0;
  let i = start;
  while (i < end) {
    const c = s.charCodeAt(i);
    const f = CHAR_FLAGS[c]!;
    if ((f & TERMINAL) === 0) {
      content |= f & WORDCHAR;
      i++;
      continue;
    }
    let j = i;
    let fullWidth = false;
    while (j < end && (CHAR_FLAGS[s.charCodeAt(j)]! & TERMINAL) !== 0) {
      if (isFullWidthEnd(s.charCodeAt(j))) fullWidth = true;
      j++;
    }
    while (j < end && isCloser(s.charCodeAt(j))) j++;
    let boundary = fullWidth || j === end || (CHAR_FLAGS[s.charCodeAt(j)]! & SPACE) !== 0;
    if (boundary && !fullWidth && c === 0x2e && j - i === 1) {
      if (afterAbbreviation(s, i)) boundary = false;
      else {
        let k = j;
        while (k < end && (CHAR_FLAGS[s.charCodeAt(k)]! & SPACE) !== 0) k++;
        if (k < end && (CHAR_FLAGS[s.charCodeAt(k)]! & LOWER) !== 0) boundary = false;
      }
    }
    if (boundary && content !== 0) {
      count++;
      content = 0;
    }
    i = j;
  }
  if (content !== 0) count++;
  return count;
}
