/**
 * Seeded labelled text for the classifier tests and bench: several "topics", each with its own
 * preferred words drawn from Latin (with accents), Cyrillic, Arabic, CJK and emoji alphabets, plus
 * words every topic shares, so a model has something to learn and something to get wrong.
 * Held-out lines add the awkward cases: empty lines, whitespace-only lines, tabs, label-like
 * tokens, very long lines.
 */
import { mulberry32 } from '../../src/core/random.js';

const ALPHABETS = [
  'abcdefghijklmnopqrstuvwxyzéèàüöçñ',
  'абвгдежзийклмнопрстуфхцчшщыэюя',
  'ابتثجحخدذرزسشصضطظعغفقكلمنهوي',
  '的一是不了人我在有他这中大来上个国到说们为子和你地出道也时年',
  '😀😂🥲😍🤖🔥🌍🍕🎉👍🚀✨',
];

export interface Example {
  label: string;
  text: string;
}

function makeWord(rand: () => number, alphabet: string): string {
  const chars = [...alphabet];
  const n = 2 + Math.floor(rand() * 7);
  let w = '';
  for (let i = 0; i < n; i++) w += chars[Math.floor(rand() * chars.length)];
  return w;
}

export interface CorpusOptions {
  seed: number;
  labels: readonly string[];
  count: number;
  /** Mean words per line. */
  words?: number;
}

/** Topic vocabularies for a seed: each label has 300 own words, 400 are shared. */
function vocabularies(seed: number, labels: readonly string[]): { own: string[][]; shared: string[] } {
  const rand = mulberry32(seed ^ 0x5eed);
  const own = labels.map(() => Array.from({ length: 300 }, (_, i) => makeWord(rand, ALPHABETS[i % ALPHABETS.length]!)));
  const shared = Array.from({ length: 400 }, (_, i) => makeWord(rand, ALPHABETS[i % ALPHABETS.length]!));
  return { own, shared };
}

/** `count` labelled lines; the vocabularies depend on `seed` only, the lines on `seed` and `stream`. */
export function labelledLines(opts: CorpusOptions, stream = 1): Example[] {
  const { own, shared } = vocabularies(opts.seed, opts.labels);
  const rand = mulberry32(opts.seed * 7919 + stream);
  const mean = opts.words ?? 12;
  const out: Example[] = [];
  for (let i = 0; i < opts.count; i++) {
    const li = Math.floor(rand() * opts.labels.length);
    const n = 1 + Math.floor(rand() * mean * 2);
    const words: string[] = [];
    for (let j = 0; j < n; j++) {
      const r = rand();
      // topic words 45%, shared 45%, another topic's words 10% (noise)
      if (r < 0.45) words.push(own[li]![Math.floor(rand() * 300)]!);
      else if (r < 0.9) words.push(shared[Math.floor(rand() * 400)]!);
      else words.push(own[Math.floor(rand() * opts.labels.length)]![Math.floor(rand() * 300)]!);
    }
    out.push({ label: opts.labels[li]!, text: words.join(rand() < 0.1 ? '  ' : ' ') });
  }
  return out;
}

/** Lines in fastText's training format. */
export function trainingText(examples: readonly Example[]): string {
  return examples.map((e) => `__label__${e.label} ${e.text}\n`).join('');
}

/** Held-out lines to predict: ordinary lines plus edge cases, none containing a newline. */
export function heldOutLines(opts: CorpusOptions, stream = 99): string[] {
  const lines = labelledLines(opts, stream).map((e) => e.text);
  const rand = mulberry32(opts.seed + stream);
  const edge = [
    '',
    ' ',
    '\t\t',
    '   leading and trailing   ',
    'tab\tseparated\tline',
    'vertical\vtab and form\ffeed and\rreturn',
    '__label__a is not a feature here',
    '__label__unknown word',
    '😀😀😀 🔥',
    'ÀÉÎÕÜ ÿ ß æøå',
    'x',
    '中文没有空格的一整句话应该被当作一个词来处理',
    'كلمة واحدة فقط',
    'Съешь же ещё этих мягких французских булок',
  ];
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    out.push(lines[i]!);
    if (i % 50 === 0) out.push(edge[(i / 50) % edge.length]!);
  }
  // very long lines: thousands of words
  for (let i = 0; i < 3; i++) {
    const parts: string[] = [];
    for (let j = 0; j < 3000; j++) parts.push(lines[Math.floor(rand() * lines.length)]!);
    out.push(parts.join(' '));
  }
  return out;
}
