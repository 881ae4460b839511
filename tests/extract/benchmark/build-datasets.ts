/**
 * Rebuilds the extraction benchmark's datasets from the public repositories they come from; not
 * run by the tests (they read the committed .jsonl.gz files). Usage, with each repository's git
 * directory (a bare clone or a `git clone --mirror`):
 *   node --import tsx tests/extract/benchmark/build-datasets.ts --readability DIR --scrapinghub DIR --trafilatura DIR
 * Each line of a dataset: {id, url, html, truth} where `truth` is the hand-checked main text, or
 * {id, url, html, with, without} where those are snippets the main text must and must not hold.
 * trafilatura's evaluation pages need `/usr/bin/python3` to read their annotations (a Python dict).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { gunzipSync, gzipSync, constants } from 'node:zlib';
import { Parser } from 'htmlparser2';
import type { BenchmarkPage } from './datasets.js';

type Page = BenchmarkPage;

/** trafilatura removed its evaluation set from the repository in this commit; its parent has it. */
const TRAFILATURA_REV = '56bd698c^';
/** Pages taken from trafilatura's 919 (by the SHA-256 of their URL): all of them would be 25 MB gzipped. */
const TRAFILATURA_PAGES = 200;

const here = new URL('.', import.meta.url).pathname;

function git(dir: string, ...args: string[]): Buffer {
  return execFileSync('git', ['--git-dir', dir, ...args], { maxBuffer: 1 << 30 });
}

const BLOCK = /^(?:address|article|blockquote|br|caption|dd|div|dl|dt|figcaption|figure|h[1-6]|hr|li|ol|p|pre|section|table|tr|ul|header|footer|main|aside|nav)$/;

/** Readability's expected.html as text: every text node, block elements on lines of their own. */
function htmlToText(html: string): string {
  const out: string[] = [];
  let pre = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (BLOCK.test(name)) out.push('\n');
        if (name === 'pre') pre++;
        if (name === 'td' || name === 'th') out.push(' ');
      },
      onclosetag(name) {
        if (BLOCK.test(name)) out.push('\n');
        if (name === 'pre') pre--;
      },
      ontext(text) {
        out.push(pre > 0 ? text : text.replace(/\s+/g, ' '));
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.write(html);
  parser.end();
  return out
    .join('')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .join('\n');
}

function readabilityPages(dir: string): Page[] {
  const names = git(dir, 'ls-tree', '--name-only', 'HEAD', 'test/test-pages/').toString().trim().split('\n');
  return names.map((path) => {
    const id = path.replace('test/test-pages/', '');
    const html = git(dir, 'show', `HEAD:${path}/source.html`).toString('utf8');
    const truth = htmlToText(git(dir, 'show', `HEAD:${path}/expected.html`).toString('utf8'));
    return { id, url: '', html, truth };
  });
}

function scrapinghubPages(dir: string): Page[] {
  const truth = JSON.parse(git(dir, 'show', 'HEAD:ground-truth.json').toString('utf8')) as Record<string, { articleBody?: string; url?: string }>;
  return Object.keys(truth)
    .sort()
    .map((id) => {
      const html = gunzipSync(git(dir, 'show', `HEAD:html/${id}.html.gz`)).toString('utf8');
      return { id, url: truth[id]!.url ?? '', html, truth: truth[id]!.articleBody ?? '' };
    });
}

function trafilaturaPages(dir: string): Page[] {
  const annotations = execFileSync('/usr/bin/python3', ['-c', 'import json, sys; ns = {}; exec(sys.stdin.read(), ns); print(json.dumps(ns["EVAL_PAGES"]))'], {
    input: git(dir, 'show', `${TRAFILATURA_REV}:tests/evaldata.py`),
    maxBuffer: 1 << 28,
  });
  const pages = JSON.parse(annotations.toString('utf8')) as Record<string, { file: string; with?: string[]; without?: string[] }>;
  const files = new Set(git(dir, 'ls-tree', '-r', '--name-only', TRAFILATURA_REV, 'tests/').toString('utf8').split('\n'));
  const chosen = Object.entries(pages)
    .map(([url, p]) => ({ url, p, key: createHash('sha256').update(url).digest('hex') }))
    .filter(({ p }) => files.has(`tests/eval/${p.file}`) || files.has(`tests/cache/${p.file}`))
    .sort((a, b) => (a.key < b.key ? -1 : 1))
    .slice(0, TRAFILATURA_PAGES);
  return chosen.map(({ url, p, key }) => {
    const path = files.has(`tests/eval/${p.file}`) ? `tests/eval/${p.file}` : `tests/cache/${p.file}`;
    const html = git(dir, 'show', `${TRAFILATURA_REV}:${path}`).toString('utf8');
    return { id: key.slice(0, 16), url, html, with: p.with ?? [], without: p.without ?? [] };
  });
}

function write(name: string, pages: Page[]): void {
  const body = pages.map((p) => JSON.stringify(p)).join('\n') + '\n';
  const path = join(here, `${name}.jsonl.gz`);
  writeFileSync(path, gzipSync(body, { level: constants.Z_BEST_COMPRESSION }));
  console.log(`${path}: ${pages.length} pages`);
}

const { values } = parseArgs({ options: { readability: { type: 'string' }, scrapinghub: { type: 'string' }, trafilatura: { type: 'string' } } });
if (values.readability !== undefined) write('readability', readabilityPages(values.readability));
if (values.scrapinghub !== undefined) write('scrapinghub', scrapinghubPages(values.scrapinghub));
if (values.trafilatura !== undefined) write('trafilatura', trafilaturaPages(values.trafilatura));
