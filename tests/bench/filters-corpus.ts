/**
 * Web-like text for the filter benchmark, generated deterministically from the hand-written
 * fixture pages in tests/filters/fixtures/web.jsonl: mostly English articles re-assembled from
 * their sentences (no sentence twice in one document), some with navigation and cookie
 * boilerplate, articles in nine other languages, and junk pages (spam, lists, short pages,
 * repeated lines) taken from the fixtures with their numbers varied. Mean size about 3 KB.
 */
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../src/core/random.js';

const FIXTURE = fileURLToPath(new URL('../filters/fixtures/web.jsonl', import.meta.url));

interface FixtureDoc {
  id: string;
  text: string;
  url: string;
}

const ARTICLE_IDS = /^(en-news|en-blog|en-wiki|en-forum|en-mixed|en-boilerplate|en-recipe)/;
const JUNK_IDS = /^en-(spam|product|dup|lorem|code|short|sitemap|bullet|teaser|social|numbers|adult)|^ja-nav/;

class Rng {
  readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
}

function sentencesOf(text: string): string[] {
  const out: string[] = [];
  for (const para of text.split(/\n+/)) {
    for (const s of para.split(/(?<=[.!?。！？؟])\s*/)) {
      const t = s.trim();
      if (t.length >= 20) out.push(t);
    }
  }
  return out;
}

const NAV = ['Home', 'News', 'Sport', 'Business', 'Culture', 'Login | Register', 'Subscribe', 'Menu', 'Search'];
const FOOTER = [
  'Share this article',
  'Related stories',
  'Terms of Use | Privacy Policy | Cookie Policy',
  'We use cookies to improve your experience. By continuing to browse this site you agree to our use of cookies.',
  'Please enable JavaScript in your browser to see the full content of this page.',
  'Copyright 2024 Example Media Group. All rights reserved.',
];

export interface CorpusStats {
  path: string;
  docs: number;
  bytes: number;
}

/** Writes (or reuses) `.bench/filters-web-v3-<mb>MB.jsonl` and returns its path. */
export async function ensureWebCorpus(mb: number, dir = '.bench'): Promise<CorpusStats> {
  const path = `${dir}/filters-web-v3-${mb}MB.jsonl`;
  if (existsSync(path)) {
    // counted in the bytes: a corpus past 512 MB is longer than V8's longest string
    const bytes = readFileSync(path);
    let docs = 0;
    for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) docs++;
    return { path, docs, bytes: bytes.length };
  }
  mkdirSync(dirname(path), { recursive: true });
  const fixtures = readFileSync(FIXTURE, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as FixtureDoc);
  const english = fixtures.filter((d) => ARTICLE_IDS.test(d.id)).flatMap((d) => sentencesOf(d.text));
  const titles = fixtures.filter((d) => ARTICLE_IDS.test(d.id)).map((d) => d.text.split('\n')[0]!);
  const foreign = new Map<string, string[]>();
  for (const d of fixtures) {
    const lang = d.id.split('-')[0]!;
    if (lang === 'en' || JUNK_IDS.test(d.id)) continue;
    foreign.set(lang, [...(foreign.get(lang) ?? []), ...sentencesOf(d.text)]);
  }
  const foreignLangs = [...foreign.keys()];
  const junk = fixtures.filter((d) => JUNK_IDS.test(d.id) && d.text !== '');
  const rng = new Rng(20241128);
  const vary = (s: string) => s.replace(/[0-9]/g, () => String(rng.int(10)));
  const article = (pool: string[], paragraphs: number, joiner: string): string => {
    const order = pool.map((_, i) => i);
    for (let i = order.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let k = 0;
    const paras: string[] = [];
    for (let p = 0; p < paragraphs && k < order.length; p++) {
      const n = 2 + rng.int(5);
      paras.push(
        order
          .slice(k, k + n)
          .map((i) => vary(pool[i]!))
          .join(joiner),
      );
      k += n;
    }
    return paras.join('\n\n');
  };

  const tmp = `${path}.tmp`;
  const out = createWriteStream(tmp);
  const target = mb * 1e6;
  let bytes = 0;
  let docs = 0;
  while (bytes < target) {
    const r = rng.next();
    let text: string;
    let url = `https://www.example-${docs % 997}.com/page/${docs}`;
    if (r < 0.6) text = `${rng.pick(titles)}\n\n${article(english, 5 + rng.int(12), ' ')}`;
    else if (r < 0.7) {
      const nav = Array.from({ length: 3 + rng.int(6) }, () => rng.pick(NAV)).join('\n');
      const foot = Array.from({ length: 2 + rng.int(4) }, () => rng.pick(FOOTER)).join('\n');
      text = `${nav}\n${rng.pick(titles)}\n${article(english, 3 + rng.int(5), '\n')}\n${foot}`;
    } else if (r < 0.82) {
      const lang = rng.pick(foreignLangs);
      const joiner = lang === 'zh' || lang === 'ja' ? '' : ' ';
      text = article(foreign.get(lang)!, 3 + rng.int(6), joiner);
      url = `https://www.example-${lang}-${docs % 97}.org/a/${docs}`;
    } else {
      const j = rng.pick(junk);
      text = Array.from({ length: 1 + rng.int(3) }, () => vary(j.text)).join('\n\n');
      url = j.url;
    }
    const line = `${JSON.stringify({ id: `w${docs}`, text, url })}\n`;
    if (!out.write(line)) await once(out, 'drain');
    bytes += Buffer.byteLength(line);
    docs++;
  }
  out.end();
  await once(out, 'finish');
  renameSync(tmp, path);
  return { path, docs, bytes };
}
