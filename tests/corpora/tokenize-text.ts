/**
 * Deterministic text for tokenizer parity tests and benchmarks: English prose, code in several
 * languages, CJK, Arabic and other scripts, emoji ZWJ sequences, long whitespace and digit runs,
 * CRLF text, byte-order marks, every Unicode whitespace and separator character, lone
 * surrogates and arbitrary code points. The sentences are original; the rest is generated from
 * a seeded PRNG, so a seed names the same text on every machine.
 */
import { mulberry32 } from '../../src/core/random.js';

/** Seeded draws: a seed names the same text on every machine. */
export class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

const WORDS = (
  'the of and to in is was that for it with as his on be at by had are but from or have an they which one you were her all she there would ' +
  'their we him been has when who will more no if out so said what up its about into than them can only other new some could time these two ' +
  'may then do first any my now such like our over man me even most made after also did many before must through back years where much your ' +
  'way well down should because each just those people how too little state good very make world still own see men work long get here between ' +
  'both life being under never day same another know while last might us great old year off come since against go came right used take three ' +
  'river delta farmers planted millet water tokenizer pipeline dataset shard document filter language model training corpus throughput ' +
  'Wednesday London Paris Tokyo Amazon Einstein Shakespeare Mississippi photosynthesis antidisestablishmentarianism'
).split(' ');

const CONTRACTIONS = ["don't", "it's", "we'll", "they're", "I'm", "you've", "she'd", "can't", "won't", "IT'S", "WE'LL", "They'Re", "o'clock", "rock'n'roll", "'tis", "y'all"];

const PUNCT = ['.', ',', ';', ':', '!', '?', '...', ' -', ' --', ' —', '"', "'", '(', ')', '[', ']', '“', '”', '‘', '’', '«', '»', '…'];

const SENTENCES: Readonly<Record<string, readonly string[]>> = {
  zh: [
    '河流把泥沙带到三角洲，农民在水边种植水稻和小米。',
    '今天早上下了一场大雨，街道上到处都是积水。',
    '这个程序的运行速度比我们预期的要快得多。',
    '图书馆里有很多关于历史和地理的书籍。',
    '他在北京大学学习计算机科学已经三年了。',
    '我们需要在下周五之前完成这个项目的第一阶段。',
  ],
  ja: [
    '川は土砂をデルタまで運び、農民たちは水辺に稲を植えた。',
    '昨日の夜、東京駅の近くで古い友人に偶然会いました。',
    'このプログラムはテキストをトークンに分割します。',
    '春になると、公園の桜がいっせいに咲き始める。',
    '会議は午後三時から第二会議室で行われる予定です。',
    'カタカナで書かれたコンピューター用語がたくさんあります。',
  ],
  ar: [
    'حمل النهر الطمي إلى الدلتا حيث زرع المزارعون الأرز.',
    'ذهبتُ إلى المكتبة يوم الأحد لأستعير كتاباً عن التاريخ.',
    'تعمل هذه البرمجية على تقسيم النص إلى وحدات صغيرة.',
    'وَصَلَ الْقِطَارُ إِلَى الْمَحَطَّةِ فِي الْمَوْعِدِ.',
    'في عام ٢٠٢٤ بلغ عدد السكان ١٢٣٤٥٦ نسمة.',
  ],
  ko: ['강은 진흙을 삼각주까지 실어 날랐고 농부들은 물가에 벼를 심었다.', '오늘 회의는 오후 세 시에 시작합니다.'],
  hi: ['नदी गाद को डेल्टा तक ले गई जहाँ किसानों ने धान बोया।', 'यह प्रोग्राम पाठ को छोटे टुकड़ों में बाँटता है। ०१२३४५६७८९'],
  ru: ['Река несла ил к дельте, где крестьяне сажали рис и просо.', 'Вчера вечером мы долго говорили о будущем проекта.'],
  el: ['Ο ποταμός μετέφερε λάσπη στο δέλτα, όπου οι αγρότες φύτευαν ρύζι.'],
  he: ['הנהר נשא סחף אל הדלתא שבה שתלו האיכרים אורז.'],
  th: ['แม่น้ำพาตะกอนไปยังสามเหลี่ยมปากแม่น้ำ ซึ่งชาวนาปลูกข้าว'],
  vi: ['Dòng sông mang phù sa xuống vùng châu thổ, nơi nông dân trồng lúa.'],
  eu: [
    'Die Straße führt über die große Brücke nach Köln.',
    "L'été dernier, nous sommes allés à la plage près de Nice.",
    'El niño comió una manzana en el jardín mañana.',
    "İstanbul'da ılık bir akşam; ŞEKER ve ÇAY.",
    'ǅemal and ǈiljana wrote ǋ and ǲ (titlecase digraphs).',
  ],
};

const EMOJI = ['😀', '👍🏽', '👨‍👩‍👧‍👦', '🏳️‍🌈', '👩🏽‍💻', '🧑‍🤝‍🧑', '🇯🇵', '🇺🇳', '1️⃣', '#️⃣', '❤️', '☺︎', '🫠', '🐈‍⬛', '👁️‍🗨️', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'];

/** Every White_Space character, the characters JavaScript's \s adds (U+FEFF) and near misses (Cf). */
// a packed table: one row per line reads better than one value per line
// prettier-ignore
export const SPACE_LIKE = [
  '\t', '\n', '\u000b', '\f', '\r', ' ', '\u0085', '\u00a0', '\u1680',
  '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a',
  '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u180e', '\u200b', '\u200c', '\u200d', '\u2060', '\u00ad', '\u001c', '\u001d', '\u001e', '\u001f',
];

const IDENT = ['value', 'count', 'buffer', 'parse_line', 'HttpClient', 'tokenIds', 'MAX_SIZE', 'i', 'x2', '_private', 'déjà_vu', 'π', '变量', 'getUserById', 'snake_case_name'];

function ident(r: Rng): string {
  return r.pick(IDENT) + (r.chance(0.3) ? String(r.int(100)) : '');
}

function englishSentence(r: Rng): string {
  const n = 4 + r.int(18);
  const words: string[] = [];
  for (let i = 0; i < n; i++) {
    let w = r.chance(0.06) ? r.pick(CONTRACTIONS) : r.pick(WORDS);
    if (i === 0 || r.chance(0.04)) w = w[0]!.toUpperCase() + w.slice(1);
    if (r.chance(0.02)) w = w.toUpperCase();
    if (r.chance(0.04)) w = String(r.int(3000));
    if (r.chance(0.015)) w = `${r.int(100)}.${r.int(1000)}%`;
    if (r.chance(0.01)) w = `${r.int(1000)},${String(r.int(1000)).padStart(3, '0')},${String(r.int(1000)).padStart(3, '0')}`;
    if (r.chance(0.03)) w += r.pick(PUNCT);
    words.push(w);
  }
  return words.join(' ') + r.pick(['.', '.', '.', '!', '?', '."', '…']);
}

function english(r: Rng): string {
  const paras: string[] = [];
  for (let p = 1 + r.int(4); p > 0; p--) {
    const s: string[] = [];
    for (let k = 2 + r.int(6); k > 0; k--) s.push(englishSentence(r));
    paras.push(s.join(' '));
  }
  if (r.chance(0.2)) paras.push(`See https://example.org/${ident(r)}?q=${r.int(1e6)}&lang=en#sec-${r.int(9)} or mail ${ident(r)}@example.com.`);
  if (r.chance(0.2)) paras.push(`# ${englishSentence(r)}\n\n- ${englishSentence(r)}\n- **${r.pick(WORDS)}**: \`${ident(r)}()\``);
  return paras.join('\n\n');
}

function code(r: Rng): string {
  const id = (): string => ident(r);
  // a packed table: one row per line reads better than one value per line
  // prettier-ignore
  const templates: (() => string)[] = [
    () => `def ${id()}(${id()}, ${id()}=None):\n    """${englishSentence(r)}"""\n    if ${id()} is None:\n        return [${r.int(10)}, ${r.int(1e6)}, 0x${r.int(65536).toString(16)}]\n    for ${id()} in range(${r.int(100)}):\n        ${id()} += ${r.next().toFixed(4)}  # ${r.pick(WORDS)}\n    return f"{${id()}!r:>10}"\n`,
    () => `export async function ${id()}(${id()}: string): Promise<number[]> {\n  const ${id()} = await fetch(\`/api/\${${id()}}\`);\n  // ${englishSentence(r)}\n  return ${id()}.map((x) => x * ${r.int(100)}).filter(Boolean);\n}\n`,
    () => `fn ${id()}<'a>(${id()}: &'a [u8]) -> Result<Vec<u32>, Error> {\n    let mut ${id()} = Vec::with_capacity(${r.int(4096)});\n    for (i, b) in ${id()}.iter().enumerate() {\n        if *b == b'\\n' { ${id()}.push(i as u32); }\n    }\n    Ok(${id()})\n}\n`,
    () => `#include <stdio.h>\nstatic int ${id()}(const char *s, size_t n) {\n\tint c = 0;\n\tfor (size_t i = 0; i < n; ++i) {\n\t\tif (s[i] == '\\t') c++;\n\t}\n\treturn c; /* ${englishSentence(r)} */\n}\n`,
    () => `func ${id()}(ctx context.Context, n int) (map[string]int, error) {\n\tm := make(map[string]int, n)\n\tif err := ctx.Err(); err != nil {\n\t\treturn nil, fmt.Errorf("${r.pick(WORDS)}: %w", err)\n\t}\n\treturn m, nil\n}\n`,
    () => `SELECT ${id()}, COUNT(*) AS n\nFROM ${id()}\nWHERE created_at >= '2024-0${1 + r.int(9)}-1${r.int(10)}' AND score > ${r.next().toFixed(2)}\nGROUP BY 1\nORDER BY n DESC\nLIMIT ${r.int(1000)};\n`,
    () => `<div class="${id()}" data-id="${r.int(1e5)}">\n  <p>${englishSentence(r)}</p>\n  <a href="/${id()}">&lt;more&gt;</a>\n</div>\n<style>.${id()} { margin: 0 ${r.int(20)}px; color: #${r.int(0xffffff).toString(16).padStart(6, '0')}; }</style>\n`,
    () => `#!/usr/bin/env bash\nset -euo pipefail\nfor f in ./*.jsonl; do\n  zstd -q -${r.int(19)} "$f" && echo "ok: \${f##*/}" >&2\ndone\n`,
    () => JSON.stringify({ [id()]: r.int(1e9), [id()]: [r.next(), null, true, englishSentence(r)], nested: { [id()]: '\u00e9\u4e2d' } }, null, 1 + r.int(4)) + '\n',
    () => `public class ${id()} {\n    private static final long SERIAL = ${r.int(1e9)}L;\n    @Override\n    public String toString() { return "${r.pick(WORDS)}" + this.${id()}; }\n}\n`,
  ];
  let s = '';
  for (let k = 1 + r.int(4); k > 0; k--) s += r.pick(templates)() + '\n';
  if (r.chance(0.3)) s = s.replace(/ {4}/g, '\t');
  return s;
}

function otherScripts(r: Rng): string {
  const langs = Object.keys(SENTENCES);
  const parts: string[] = [];
  for (let k = 2 + r.int(10); k > 0; k--) {
    const lang = r.pick(langs);
    parts.push(r.pick(SENTENCES[lang]!));
    if (r.chance(0.2)) parts.push(randomFromBlocks(r, 5 + r.int(30)));
  }
  return parts.join(r.pick(['', ' ', '\n', '\n\n', '　']));
}

const BLOCKS: readonly [number, number][] = [
  [0x4e00, 0x9fff], // CJK
  [0x20000, 0x2a6df], // CJK Extension B (astral)
  [0x3040, 0x30ff], // Hiragana, Katakana
  [0xac00, 0xd7a3], // Hangul
  [0x0600, 0x06ff], // Arabic (with marks)
  [0x0900, 0x097f], // Devanagari (with marks)
  [0x0e00, 0x0e7f], // Thai
  [0x0400, 0x04ff], // Cyrillic
  [0x0370, 0x03ff], // Greek
  [0x0300, 0x036f], // combining marks
  [0x1d400, 0x1d7ff], // mathematical alphanumerics (astral letters and digits)
  [0x2150, 0x218f], // number forms
  [0x1e900, 0x1e95f], // Adlam (cased, astral)
];

function randomFromBlocks(r: Rng, n: number): string {
  let s = '';
  const [lo, hi] = r.pick(BLOCKS);
  for (let i = 0; i < n; i++) s += String.fromCodePoint(lo + r.int(hi - lo + 1));
  return s;
}

function emoji(r: Rng): string {
  let s = '';
  for (let k = 3 + r.int(20); k > 0; k--) s += r.pick(EMOJI) + (r.chance(0.3) ? ' ' : '') + (r.chance(0.2) ? r.pick(WORDS) + ' ' : '');
  return s;
}

function whitespace(r: Rng): string {
  const parts: string[] = [];
  for (let k = 3 + r.int(10); k > 0; k--) {
    const roll = r.int(6);
    if (roll === 0) parts.push(' '.repeat(1 + r.int(r.chance(0.1) ? 4000 : 80)));
    else if (roll === 1) parts.push('\t'.repeat(1 + r.int(40)));
    else if (roll === 2) parts.push('\r\n'.repeat(1 + r.int(5)));
    else if (roll === 3) {
      let s = '';
      for (let i = 1 + r.int(12); i > 0; i--) s += r.pick(SPACE_LIKE);
      parts.push(s);
    } else parts.push(r.pick(WORDS) + r.pick(SPACE_LIKE) + r.pick(WORDS));
    parts.push(r.chance(0.5) ? r.pick(WORDS) : String(r.int(100)));
  }
  return parts.join(r.chance(0.5) ? '' : ' ');
}

function digits(r: Rng): string {
  const parts: string[] = [];
  for (let k = 2 + r.int(8); k > 0; k--) {
    let run = '';
    const len = 1 + r.int(r.chance(0.1) ? 4000 : 40);
    for (let i = 0; i < len; i++) run += String(r.int(10));
    parts.push(run, r.pick(['', ' ', '.', ',', 'e-', 'x', ' ٣٤٥', '١٢', '１２３', 'Ⅻ', '½', '²', '𝟙𝟚', '০১']));
  }
  return parts.join('');
}

/** Contractions, apostrophes and the cases where Rust's case folding differs from ASCII. */
function apostrophes(r: Rng): string {
  const bits = ["'s", "'S", "'ſ", "'ſx", "'t", "'T", "'re", "'RE", "'Re", "'ve", "'VE", "'m", "'M", "'ll", "'LL", "'lL", "'d", "'D", "'", "''", "'x", "'K", "'\u212a", '’s', " 's", "'s'", "'1"];
  let s = '';
  for (let k = 5 + r.int(20); k > 0; k--) s += r.pick(['', ' ', 'x', 'X', 'ǅ', 'ʰ', '\u0301', '9', '中']) + r.pick(bits);
  return s;
}

/** Code points from anywhere, including unassigned ones, private use, controls and lone surrogates. */
function anyCodePoints(r: Rng, n: number, allowLone: boolean): string {
  let s = '';
  for (let i = 0; i < n; i++) {
    const roll = r.int(10);
    let cp: number;
    if (roll < 4) cp = r.int(0x3000);
    else if (roll < 6) cp = r.int(0x10000);
    else if (roll < 8) cp = 0x10000 + r.int(0x30000);
    else cp = r.int(0x110000);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      if (allowLone) s += String.fromCharCode(cp);
      continue;
    }
    s += String.fromCodePoint(cp);
  }
  return s;
}

export type TextKind = 'english' | 'code' | 'scripts' | 'emoji' | 'whitespace' | 'digits' | 'apostrophes' | 'anything';

/** One document of the given kind (with `lone`, it may contain lone surrogates). */
export function generateDocument(r: Rng, kind: TextKind, lone = false): string {
  switch (kind) {
    case 'english':
      return english(r);
    case 'code':
      return code(r);
    case 'scripts':
      return otherScripts(r);
    case 'emoji':
      return emoji(r);
    case 'whitespace':
      return whitespace(r);
    case 'digits':
      return digits(r);
    case 'apostrophes':
      return apostrophes(r);
    default:
      return anyCodePoints(r, 20 + r.int(400), lone);
  }
}

const MIX: readonly TextKind[] = ['english', 'english', 'english', 'code', 'code', 'scripts', 'scripts', 'emoji', 'whitespace', 'digits', 'apostrophes', 'anything'];

/**
 * Documents of mixed kinds totalling about `chars` UTF-16 code units. Some are CRLF text, some
 * start with a byte-order mark, some are glued from several kinds; with `lone`, some hold lone
 * surrogates.
 */
export function mixedCorpus(seed: number, chars: number, opts: { lone?: boolean } = {}): string[] {
  const r = new Rng(seed);
  const docs: string[] = [];
  let total = 0;
  while (total < chars) {
    let doc = generateDocument(r, r.pick(MIX), opts.lone);
    if (r.chance(0.15)) doc += generateDocument(r, r.pick(MIX), opts.lone);
    if (r.chance(0.1)) doc = doc.replace(/\n/g, '\r\n');
    if (r.chance(0.05)) doc = '\ufeff' + doc;
    if (opts.lone && r.chance(0.05)) doc = doc.slice(0, r.int(doc.length)) + r.pick(['\ud800', '\udfff', '\udc00\ud800', '\ud83d']) + doc.slice(r.int(doc.length));
    if (r.chance(0.03)) doc += r.pick(SPACE_LIKE).repeat(1 + r.int(5));
    docs.push(doc);
    total += doc.length;
  }
  return docs;
}
