/**
 * Synthetic inputs for the reader benchmarks, in the real formats: Gutenberg books (.txt.gz),
 * Pushshift dumps (zstd --long=31 from a pipe), MediaWiki XML (bzip2) and Parquet shards.
 * Words come from the sample corpora; a seeded generator keeps every run identical.
 */
import { execFileSync } from 'node:child_process';
import { createWriteStream, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { mulberry32 as rng } from '../../src/core/random.js';

export interface GeneratedInput {
  files: string[];
  compressedBytes: number;
  rawBytes: number;
}

let vocabulary: string[] | undefined;
function words(): string[] {
  if (!vocabulary) {
    const dir = 'sample-corpora/books/source';
    const text =
      readdirSync(dir)
        .map((f) => readFileSync(join(dir, f), 'utf8'))
        .join(' ') + readFileSync('sample-corpora/books/pg-sample-lighthouse-ledger.txt', 'utf8');
    vocabulary = [...new Set(text.toLowerCase().match(/[a-z']{2,}/g) ?? [])];
  }
  return vocabulary;
}

class Text {
  private readonly r: () => number;
  constructor(seed: number) {
    this.r = rng(seed);
  }
  int(n: number): number {
    return Math.floor(this.r() * n);
  }
  word(): string {
    const w = words();
    return w[this.int(w.length)]!;
  }
  sentence(min = 6, max = 22): string {
    const n = min + this.int(max - min);
    const s = Array.from({ length: n }, () => this.word()).join(' ');
    return s[0]!.toUpperCase() + s.slice(1) + '.';
  }
  paragraph(sentences = 5): string {
    return Array.from({ length: 2 + this.int(sentences) }, () => this.sentence()).join(' ');
  }
}

function wrap(paragraph: string, width = 70): string {
  const out: string[] = [];
  let line = '';
  for (const w of paragraph.split(' ')) {
    if (line.length + w.length + 1 > width && line !== '') {
      out.push(line);
      line = w;
    } else line = line === '' ? w : `${line} ${w}`;
  }
  if (line !== '') out.push(line);
  return out.join('\n');
}

/** `count` books of ~`kbEach` KiB, Gutenberg format, gzip-compressed. */
export function makeBooks(dir: string, count: number, kbEach = 256): GeneratedInput {
  const t = new Text(1);
  const files: string[] = [];
  let compressedBytes = 0;
  let rawBytes = 0;
  for (let b = 0; b < count; b++) {
    const parts = [
      `Title: ${t.sentence(2, 5)}\nAuthor: ${t.word()} ${t.word()}\nRelease date: May 1, 2001 [eBook #${10000 + b}]\nLanguage: English\n\n*** START OF THE PROJECT GUTENBERG EBOOK ${b} ***\n`,
    ];
    let size = 0;
    for (let ch = 1; size < kbEach * 1024; ch++) {
      parts.push(`\nCHAPTER ${ch}.\n`);
      for (let p = 0; p < 12; p++) {
        const para = wrap(t.paragraph(6));
        size += para.length;
        parts.push(`\n${para}\n`);
      }
    }
    parts.push('\n*** END OF THE PROJECT GUTENBERG EBOOK ***\n\nLicence text.\n');
    const raw = Buffer.from(parts.join(''));
    const path = join(dir, `book-${String(b).padStart(5, '0')}.txt.gz`);
    const gz = gzipSync(raw, { level: 6 });
    writeFileSync(path, gz);
    files.push(path);
    compressedBytes += gz.length;
    rawBytes += raw.length;
  }
  return { files, compressedBytes, rawBytes };
}

async function writeLines(path: string, lines: Iterable<string>): Promise<number> {
  const out = createWriteStream(path);
  let bytes = 0;
  for (const line of lines) {
    bytes += Buffer.byteLength(line) + 1;
    if (!out.write(line + '\n')) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

/** A month of Pushshift comments (`mb` MiB of NDJSON) and its submissions, zstd --long=31 from a pipe. */
export async function makeReddit(dir: string, mb: number): Promise<GeneratedInput> {
  const t = new Text(2);
  const T = 1546300800;
  const target = mb * 1024 * 1024;
  const subs: string[] = [];
  function* comments(): Iterable<string> {
    let bytes = 0;
    let link = 0;
    let time = T;
    const recent: string[] = [];
    for (let i = 0; bytes < target; i++) {
      time += 1 + t.int(3);
      if (i % 25 === 0) {
        link++;
        subs.push(
          JSON.stringify({
            id: `s${link}`,
            author: `u${t.int(5000)}`,
            title: t.sentence(4, 12),
            selftext: t.int(3) === 0 ? '' : t.paragraph(3),
            score: t.int(200),
            created_utc: time,
            subreddit: `sub${t.int(50)}`,
            num_comments: 25,
            is_self: true,
          }),
        );
        recent.length = 0;
      }
      const roll = t.int(100);
      const body = roll < 4 ? '[deleted]' : roll < 7 ? '[removed]' : t.paragraph(3);
      const parent = recent.length > 0 && t.int(2) === 0 ? `t1_${recent[t.int(recent.length)]}` : `t3_s${link}`;
      const id = `c${i}`;
      recent.push(id);
      const line = JSON.stringify({
        id,
        author: roll === 7 ? 'AutoModerator' : `u${t.int(5000)}`,
        body,
        score: t.int(30) - 3,
        created_utc: time,
        subreddit: `sub${link % 50}`,
        link_id: `t3_s${link}`,
        parent_id: parent,
        controversiality: 0,
        gilded: 0,
        retrieved_on: time + 86400 * 30,
      });
      bytes += line.length + 1;
      yield line;
    }
  }
  const rc = join(dir, 'RC_2019-01.ndjson');
  const rs = join(dir, 'RS_2019-01.ndjson');
  let rawBytes = await writeLines(rc, comments());
  rawBytes += await writeLines(rs, subs);
  const files: string[] = [];
  let compressedBytes = 0;
  for (const f of [rc, rs]) {
    const out = f.replace(/\.ndjson$/, '.zst');
    execFileSync('sh', ['-c', `cat "$1" | zstd -q -3 --long=31 -f -o "$2" && rm "$1"`, 'sh', f, out]);
    files.push(out);
    compressedBytes += statSync(out).size;
  }
  return { files, compressedBytes, rawBytes };
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** An article in the shape of real ones: infobox, references, links, headings, a table, categories. */
export function syntheticArticle(t: Text, title: string): string {
  const link = (): string => (t.int(2) ? `[[${t.word()}]]` : `[[${t.word()} ${t.word()}|${t.word()}]]`);
  const para = (): string =>
    Array.from(
      { length: 3 + t.int(4) },
      () => `${t.sentence()} ${link()} ${t.word()}${t.int(3) === 0 ? `<ref>{{cite web |url=https://example.org/${t.int(1e6)} |title=${t.sentence(2, 5)}}}</ref>` : ''}.`,
    ).join(' ');
  const parts = [
    `{{Short description|${t.sentence(3, 6)}}}\n{{Infobox thing\n| name = ${title}\n| image = ${t.word()}.jpg\n| date = {{start date|19${10 + t.int(89)}|${1 + t.int(12)}|${1 + t.int(28)}}}\n}}\n'''${title}''' ${para()}\n`,
  ];
  for (let s = 0; s < 2 + t.int(4); s++) {
    parts.push(`\n== ${t.sentence(1, 3).slice(0, -1)} ==\n${para()}\n\n${para()}\n`);
    if (t.int(3) === 0) parts.push(`{| class="wikitable"\n! a !! b\n|-\n| ${t.word()} || ${t.int(100)}\n|}\n`);
    if (t.int(3) === 0) parts.push(`[[File:${t.word()}.jpg|thumb|${t.sentence(3, 6)}]]\n`);
  }
  parts.push(`\n== References ==\n{{Reflist}}\n\n[[Category:${t.word()}]]\n`);
  return parts.join('');
}

/** A pages-articles dump of ~`mb` MiB of XML (articles, 5% redirects), bzip2-compressed. */
export async function makeWikipedia(dir: string, mb: number): Promise<GeneratedInput> {
  const t = new Text(3);
  const target = mb * 1024 * 1024;
  function* lines(): Iterable<string> {
    yield '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" version="0.11" xml:lang="en">\n<siteinfo><dbname>benchwiki</dbname></siteinfo>';
    let bytes = 0;
    for (let id = 1; bytes < target; id++) {
      const title = `${t.word()} ${t.word()} ${id}`;
      const redirect = t.int(20) === 0;
      const text = redirect ? `#REDIRECT [[${t.word()}]]` : syntheticArticle(t, title);
      const page = `<page><title>${escapeXml(title)}</title><ns>0</ns><id>${id}</id>${redirect ? `<redirect title="x" />` : ''}<revision><id>${id * 7}</id><timestamp>2024-01-01T00:00:00Z</timestamp><text bytes="${text.length}" xml:space="preserve">${escapeXml(text)}</text></revision></page>`;
      bytes += page.length;
      yield page;
    }
    yield '</mediawiki>';
  }
  const xml = join(dir, 'benchwiki-pages-articles.xml');
  const rawBytes = await writeLines(xml, lines());
  const out = `${xml}.bz2`;
  execFileSync('sh', ['-c', `lbzip2 -9 -c "$1" > "$2" 2>/dev/null || bzip2 -9 -c "$1" > "$2"; rm "$1"`, 'sh', xml, out]);
  return { files: [out], compressedBytes: statSync(out).size, rawBytes };
}

/** Parquet shards of ~`mb` MiB of text (id, text, source, meta JSON, score), row groups of 4,000 rows. */
export async function makeParquet(dir: string, mb: number): Promise<GeneratedInput> {
  const { parquetWriteBuffer } = await import('hyparquet-writer');
  const t = new Text(4);
  const files: string[] = [];
  let compressedBytes = 0;
  let rawBytes = 0;
  const perFile = 20 * 1024 * 1024;
  for (let f = 0; rawBytes < mb * 1024 * 1024; f++) {
    const ids: string[] = [];
    const texts: string[] = [];
    const metas: string[] = [];
    const scores: number[] = [];
    let bytes = 0;
    while (bytes < perFile && rawBytes + bytes < mb * 1024 * 1024) {
      const text = Array.from({ length: 4 }, () => t.paragraph(5)).join('\n\n');
      ids.push(`doc-${f}-${ids.length}`);
      texts.push(text);
      metas.push(JSON.stringify({ url: `https://example.org/${t.int(1e9)}` }));
      scores.push(t.int(1000) / 1000);
      bytes += text.length;
    }
    const buf = Buffer.from(
      parquetWriteBuffer({
        columnData: [
          { name: 'id', data: ids, type: 'STRING' },
          { name: 'text', data: texts, type: 'STRING' },
          { name: 'meta', data: metas, type: 'STRING' },
          { name: 'score', data: scores, type: 'DOUBLE' },
        ],
        rowGroupSize: 4000,
      }),
    );
    const path = join(dir, `shard-${String(f).padStart(5, '0')}.parquet`);
    writeFileSync(path, buf);
    files.push(path);
    compressedBytes += buf.length;
    rawBytes += bytes;
  }
  return { files, compressedBytes, rawBytes };
}

export { Text };
