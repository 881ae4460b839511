/**
 * The report as a person sees it: built by the CLI from real runs, opened in headless Chromium
 * (Debian's `chromium`, installed by .ci/system-deps.sh). Every chart must have rendered with the
 * bars its data calls for, the page must make no request and log no error, and document text
 * built to break out of its element must show as text and run nothing.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sluice } from '../helpers/cli.js';
import { prose, tempDir, writeJsonlCorpus, writePipeline } from '../helpers/corpus.js';

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM) console.warn(`tests/report/chromium.test.ts: SKIPPED, ${CHROMIUM} is not installed (Debian's chromium package; .ci/system-deps.sh test installs it)`);

/** Each piece tries a different way out of the page's markup; none may work. */
const HOSTILE_ID = '<b id="pwn">id</b>\u202Ecod.exe';
const HOSTILE_TEXT = [
  '<script>window.__pwned = 1; document.title = "pwned"</script>',
  '</textarea></pre></details><textarea>',
  '<img src="http://127.0.0.1:9/beacon.png" onerror="window.__pwned = 2">',
  '&amp; &lt;b&gt;entity&lt;/b&gt; &#x3C;script&#x3E; &copy;',
  '\u202Eright-to-left override\u202C and \u200Fשלום\u200F marks',
].join('\n');

function hostileLines(): string {
  const long = { id: HOSTILE_ID, text: `${HOSTILE_TEXT}\n${prose(11, 800)}`, url: 'javascript:alert(1)' };
  const short = { id: 'short-<script>', text: HOSTILE_TEXT.slice(0, 150), url: '"><svg onload=alert(1)>' };
  return `${JSON.stringify(long)}\n${JSON.stringify(short)}\n`;
}

function pipeline(dir: string, minChars: number, out: string): string {
  return writePipeline(
    dir,
    `name: report-${minChars}
inputs:
  - reader: jsonl
    paths: ["${dir}/corpus/*.jsonl*"]
    source: web
  - reader: jsonl
    paths: ["${dir}/hostile.jsonl"]
    source: hostile
stages:
  - length: {min_chars: ${minChars}}
  - language: {min_score: 0.3}
  - exact_dedup: {}
  - tokenize: {tokenizer: gpt2}
output:
  dir: ${out}
  shard_bytes: 64KiB
`,
    `p-${minChars}.yaml`,
  );
}

interface Opened {
  page: Page;
  requests: string[];
  errors: string[];
}

async function open(browser: Browser, file: string): Promise<Opened> {
  const context = await browser.newContext({ viewport: { width: 1300, height: 900 } });
  const page = await context.newPage();
  const url = pathToFileURL(file).href;
  const requests: string[] = [];
  const errors: string[] = [];
  // every request but the page itself is recorded and refused
  await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : (requests.push(route.request().url()), route.abort())));
  page.on('request', (r) => {
    if (r.url() !== url) requests.push(r.url());
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') errors.push(`${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return { page, requests, errors };
}

/** Each chart's expected bar count (data-marks) and what Chromium drew: Vega's bar marks are paths in g.role-mark. */
async function chartMarks(page: Page): Promise<{ title: string; expected: number; drawn: number; width: number }[]> {
  return page.$$eval('figure.chart', (figures) =>
    figures.map((f) => {
      const svg = f.querySelector('svg');
      return {
        title: f.querySelector('figcaption')?.textContent ?? '',
        expected: Number(f.getAttribute('data-marks')),
        drawn: f.querySelectorAll('svg g.mark-rect.role-mark > path').length,
        width: svg?.getBoundingClientRect().width ?? 0,
      };
    }),
  );
}

describe.skipIf(!HAVE_CHROMIUM)('report in Chromium', () => {
  let dir: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = tempDir('sluice-report-ui-');
    writeFileSync(join(dir, 'hostile.jsonl'), hostileLines());
    mkdirSync(join(dir, 'corpus'));
    writeJsonlCorpus(join(dir, 'corpus'), [
      { name: 'a.jsonl.gz', docs: 120, chars: 500 },
      { name: 'b.jsonl', docs: 60, codec: 'none', chars: 250 }, // kept in A; the only document too short for A is the hostile one
      { name: 'c.jsonl.zst', docs: 80, codec: 'zstd', chars: 1500 },
      { name: 'd.jsonl.gz', docs: 20, chars: 500 }, // same texts as a.jsonl.gz: exact duplicates
    ]);
    for (const [min, out] of [
      [200, 'out-a'],
      [600, 'out-b'],
    ] as const) {
      const r = sluice(['run', pipeline(dir, min, join(dir, out)), '--workers', '2']);
      expect(r.status, r.stderr).toBe(0);
    }
    // launch() gives Chromium a fresh temporary profile of its own, removed on close
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('renders every chart, makes no request, logs no error, and shows hostile text as text', async () => {
    const r = sluice(['report', join(dir, 'out-a')]);
    expect(r.status, r.stderr).toBe(0);
    const file = join(dir, 'out-a', 'report.html');
    expect(r.stdout).toContain(file);
    const htmlText = readFileSync(file, 'utf8');
    // one file: no script, nothing fetched (the CSP forbids it too)
    expect(htmlText).not.toMatch(/<script/i);
    expect(htmlText).not.toMatch(/\s(src|href)="(?!#)/i);

    const { page, requests, errors } = await open(browser, file);
    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(50_000);

    const charts = await chartMarks(page);
    const titles = charts.map((c) => c.title);
    for (const expected of [
      'Documents per source: kept, and removed by each stage',
      'Characters per source: kept, and removed by each stage',
      'Tokens per source in the output',
      'Document length in characters',
      'Document length in tokens',
      'Language',
      'Score: language_score',
      'Duplicate clusters: exact_cluster_size',
      'Time per phase',
    ]) {
      expect(titles).toContain(expected);
    }
    for (const c of charts) {
      expect(c.expected, c.title).toBeGreaterThan(0);
      expect(c.drawn, c.title).toBe(c.expected);
      expect(c.width, c.title).toBeGreaterThan(100);
    }
    // the funnel: web and hostile bars, kept plus what length and exact_dedup removed from web
    const funnel = charts.find((c) => c.title.startsWith('Documents per source'))!;
    expect(funnel.drawn).toBeGreaterThanOrEqual(4);

    expect(requests).toEqual([]);
    expect(errors).toEqual([]);

    // hostile text: nothing ran, nothing escaped its element, every character shows as written
    await page.locator('details').evaluateAll((ds) => ds.forEach((d) => d.setAttribute('open', '')));
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(await page.title()).toBe('sluice report: report-200');
    expect(await page.locator('script').count()).toBe(0);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('textarea').count()).toBe(0);
    expect(await page.locator('#pwn').count()).toBe(0);
    const shown = await page.locator('article.doc pre').allTextContents();
    const kept = shown.find((t) => t.includes('right-to-left override'));
    expect(kept).toBeDefined();
    expect(kept!.startsWith(HOSTILE_TEXT)).toBe(true); // byte for byte: tags, entities, bidi marks
    const rejected = shown.find((t) => t === HOSTILE_TEXT.slice(0, 150));
    expect(rejected, 'the short hostile document is sampled under length: too_short').toBeDefined();
    const ids = await page.locator('article.doc .id').allTextContents();
    expect(ids).toContain(HOSTILE_ID);
    expect(ids).toContain('short-<script>');
    const metaText = await page.locator('article.doc dd').allTextContents();
    expect(metaText).toContain('"><svg onload=alert(1)>');
    expect(await page.locator('svg[onload]').count()).toBe(0);
    // bidi text is isolated: the override does not reorder the card's other fields
    expect(await page.evaluate('getComputedStyle(document.querySelector("article.doc pre")).unicodeBidi')).toBe('isolate');
    expect(requests).toEqual([]);
    await page.context().close();
  }, 120_000);

  it('--compare shows what moved and documents kept in one run and dropped in the other', async () => {
    const out = join(dir, 'compare.html');
    const r = sluice(['report', join(dir, 'out-a'), '--compare', join(dir, 'out-b'), '-o', out]);
    expect(r.status, r.stderr).toBe(0);
    const { page, requests, errors } = await open(browser, out);
    await page.screenshot({ path: join(dir, 'compare.png'), fullPage: true });
    const charts = await chartMarks(page);
    expect(charts.length).toBeGreaterThanOrEqual(16); // every chart twice, A and B
    for (const c of charts) expect(c.drawn, c.title).toBe(c.expected);
    expect(requests).toEqual([]);
    expect(errors).toEqual([]);

    const moved = page.locator('#moved table').nth(1);
    const tooShort = moved.locator('tr', { hasText: 'too_short' });
    const cells = await tooShort.locator('td').allTextContents();
    expect(cells[0]).toBe('length');
    expect(Number(cells[3]!.replace(/,/g, ''))).toBeGreaterThan(Number(cells[2]!.replace(/,/g, ''))); // B drops more
    const keptToDropped = page.locator('#fates details').first();
    await expect(keptToDropped.locator('summary').textContent()).resolves.toContain('Kept in A, dropped in B');
    const cards = keptToDropped.locator('article.doc');
    expect(await cards.count()).toBeGreaterThan(0);
    // each such document was kept in A and is too short for B's 600 characters
    const first = await cards.first().locator('header').textContent();
    expect(first).toContain('in B: rejected by length: too_short');
    expect(first).toContain('kept');
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    await page.context().close();
  }, 120_000);
});
