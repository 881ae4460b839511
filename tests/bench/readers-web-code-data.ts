/**
 * Synthetic inputs for the web and code reader benchmarks, written into a temp folder: a
 * Common Crawl-like .warc.gz (HTML pages in several charsets with boilerplate, one gzip member
 * per record, request records between), the matching .warc.wet.gz, and a folder of source
 * repositories. The 10x inputs repeat the 1x content, so the two runs differ only in size.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';

const WORDS: Record<string, { charset: string; words: string[] }> = {
  en: { charset: 'utf-8', words: 'the river water flows through valley meadow where volunteers planted willow alder trees along banks and measured temperature every month during summer'.split(' ') },
  fr: { charset: 'windows-1252', words: 'le pain de campagne demande patience farine levain été hiver où très bœuf cœur château fenêtre rivière œuvre ça déjà'.split(' ') },
  de: { charset: 'utf-8', words: 'der Rundweg führt über breite Forstwege zum Gipfel Aussicht Hütte Wanderung Brücke schöne Straße Länge für Familien geeignet'.split(' ') },
  ru: { charset: 'koi8-r', words: 'томаты теплице выращивают рассаду почва должна быть лёгкой влажной растения горшки полив воздух середине мая'.split(' ') },
  ja: { charset: 'shift_jis', words: '京都 桜 散歩 公園 喫茶店 抹茶 和菓子 歴史 静か 時間 春 満開 花びら 川沿い 観光客'.split(' ') },
};

/** A small deterministic PRNG, so every run generates the same bytes. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function paragraph(next: () => number, words: string[], n: number, sep: string): string {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(words[Math.floor(next() * words.length)]!);
  return out.join(sep) + (sep === '' ? '。' : '.');
}

function pageHtml(lang: string, title: string, paragraphs: string[], charsetMeta: string): string {
  const nav = ['Home', 'News', 'Sport', 'Culture', 'About', 'Contact'].map((n) => `<li><a href="/${n.toLowerCase()}">${n}</a></li>`).join('');
  return `<!DOCTYPE html><html lang="${lang}"><head>${charsetMeta}<title>${title}</title>
<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}gtag('js',new Date());</script>
<style>body{font-family:serif}.cookie-banner{position:fixed;bottom:0}</style></head>
<body><header class="site-header"><a href="/">Site</a></header><nav><ul>${nav}</ul></nav>
<div class="cookie-banner" id="cookie-consent">We use cookies. <button>Accept</button></div>
<main><article><h1>${title}</h1>
${paragraphs.map((p) => `<p>${p}</p>`).join('\n')}
</article></main><aside class="sidebar"><ul>${nav}</ul></aside><footer>&copy; 2024 Site. All rights reserved.</footer>
<script src="/app.js"></script></body></html>`;
}

function warcRecord(fields: Record<string, string>, block: Buffer): Buffer {
  const head = ['WARC/1.0', ...Object.entries(fields).map(([k, v]) => `${k}: ${v}`), `Content-Length: ${block.length}`, '', ''].join('\r\n');
  return Buffer.concat([Buffer.from(head, 'latin1'), block, Buffer.from('\r\n\r\n')]);
}

export interface WebFiles {
  warc: string;
  wet: string;
  /** Bytes as stored (gzip) and after decompression. */
  warcBytes: { compressed: number; raw: number };
  wetBytes: { compressed: number; raw: number };
}

export interface WebInputs {
  /** One set of files per requested scale (1 = about `mb` MB of WARC). */
  byScale: Map<number, WebFiles>;
  /** HTML payloads of one copy, decoded, for the extraction bench. */
  pages: string[];
  htmlBytes: number;
}

/**
 * Writes about `mb` MB of WARC (uncompressed) and the matching WET, repeated `scale` times for
 * each requested scale. Pages are 3-25 KB of HTML with the usual boilerplate around them.
 */
export async function writeWebInputs(dir: string, mb: number, scales: number[]): Promise<WebInputs> {
  await mkdir(dir, { recursive: true });
  const next = rng(42);
  const langs = Object.keys(WORDS);
  const warcMembers: Buffer[] = [];
  const wetMembers: Buffer[] = [];
  const pages: string[] = [];
  let raw = 0;
  let wetRaw = 0;
  let htmlBytes = 0;
  for (let n = 0; raw < mb * 1e6; n++) {
    const lang = langs[n % langs.length]!;
    const { charset, words } = WORDS[lang]!;
    const sep = lang === 'ja' ? '' : ' ';
    const paragraphs = Array.from({ length: 10 + Math.floor(next() * 40) }, () => paragraph(next, words, 30 + Math.floor(next() * 40), sep));
    const title = paragraph(next, words, 6, sep);
    const html = pageHtml(lang, title, paragraphs, n % 2 === 0 ? `<meta charset="${charset}">` : '');
    const body = iconv.encode(html, charset);
    const id = `<urn:uuid:00000000-0000-4000-8000-${String(n).padStart(12, '0')}>`;
    const url = `https://site${n % 97}.example/${lang}/page-${n}`;
    const http = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/html${n % 2 === 1 ? `; charset=${charset}` : ''}\r\nContent-Length: ${body.length}\r\n\r\n`, 'latin1'), body]);
    const request = warcRecord(
      { 'WARC-Type': 'request', 'WARC-Record-ID': `<urn:uuid:10000000-0000-4000-8000-${String(n).padStart(12, '0')}>`, 'WARC-Target-URI': url, 'Content-Type': 'application/http; msgtype=request' },
      Buffer.from(`GET /${lang}/page-${n} HTTP/1.1\r\nHost: site.example\r\n\r\n`),
    );
    const response = warcRecord(
      { 'WARC-Type': 'response', 'WARC-Record-ID': id, 'WARC-Date': '2024-05-18T10:00:00Z', 'WARC-Target-URI': url, 'Content-Type': 'application/http; msgtype=response' },
      http,
    );
    warcMembers.push(gzipSync(request), gzipSync(response));
    raw += request.length + response.length;
    htmlBytes += body.length;
    pages.push(html);
    const text = Buffer.from([title, ...paragraphs].join('\n'), 'utf8');
    const conversion = warcRecord(
      {
        'WARC-Type': 'conversion',
        'WARC-Target-URI': url,
        'WARC-Date': '2024-05-18T10:00:00Z',
        'WARC-Record-ID': `<urn:uuid:20000000-0000-4000-8000-${String(n).padStart(12, '0')}>`,
        'WARC-Identified-Content-Language': lang,
        'Content-Type': 'text/plain',
      },
      text,
    );
    wetMembers.push(gzipSync(conversion));
    wetRaw += conversion.length;
  }
  const warcOnce = Buffer.concat(warcMembers);
  const wetOnce = Buffer.concat(wetMembers);
  const byScale = new Map<number, WebFiles>();
  for (const scale of scales) {
    const warc = join(dir, `bench-${scale}x.warc.gz`);
    const wet = join(dir, `bench-${scale}x.warc.wet.gz`);
    await writeRepeated(warc, warcOnce, scale);
    await writeRepeated(wet, wetOnce, scale);
    byScale.set(scale, { warc, wet, warcBytes: { compressed: warcOnce.length * scale, raw: raw * scale }, wetBytes: { compressed: wetOnce.length * scale, raw: wetRaw * scale } });
  }
  return { byScale, pages, htmlBytes };
}

async function writeRepeated(path: string, bytes: Buffer, copies: number): Promise<void> {
  const out = createWriteStream(path);
  for (let i = 0; i < copies; i++) if (!out.write(bytes)) await new Promise<void>((r) => out.once('drain', () => r()));
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
}

export interface CodeInputs {
  root: string;
  files: number;
  bytes: number;
}

const SOURCE = `import { readFile } from 'node:fs/promises';

/** Parses one line of the log format: "<time> <level> <message>". */
export function parseLine(line: string): { time: number; level: string; message: string } | undefined {
  const m = /^(\\d+) (\\w+) (.*)$/.exec(line);
  if (!m) return undefined;
  return { time: Number(m[1]), level: m[2]!, message: m[3]! };
}

export async function countLevels(path: string): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const line of (await readFile(path, 'utf8')).split('\\n')) {
    const entry = parseLine(line);
    if (entry) counts.set(entry.level, (counts.get(entry.level) ?? 0) + 1);
  }
  return counts;
}
`;

/** `repos` repositories of `filesPerRepo` source files (~4 KB each) plus a node_modules folder each. */
export async function writeCodeInputs(dir: string, repos: number, filesPerRepo: number): Promise<CodeInputs> {
  let files = 0;
  let bytes = 0;
  const body = SOURCE.repeat(5);
  for (let r = 0; r < repos; r++) {
    const repo = join(dir, `repo-${String(r).padStart(4, '0')}`);
    await mkdir(join(repo, 'src', 'lib'), { recursive: true });
    await mkdir(join(repo, 'node_modules', 'dep'), { recursive: true });
    await writeFile(
      join(repo, 'LICENSE'),
      'MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nThe above copyright notice and this permission notice shall be included in all copies\n',
    );
    await writeFile(join(repo, 'node_modules', 'dep', 'index.js'), 'module.exports = 1;\n');
    for (let f = 0; f < filesPerRepo; f++) {
      const content = `// file ${f} of repo ${r}\n${body}`;
      await writeFile(join(repo, f % 2 === 0 ? 'src' : join('src', 'lib'), `mod${f}.ts`), content);
      files++;
      bytes += Buffer.byteLength(content);
    }
  }
  return { root: dir, files, bytes };
}
