/** The page as HTML text, without a browser: what every machine can check (chromium.test.ts looks at it in Chromium). */
import { describe, expect, it } from 'vitest';
import type { Doc } from '../../src/core/doc.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { ReportCollector } from '../../src/report/collect.js';
import { esc, html } from '../../src/report/html.js';
import { comparePage } from '../../src/report/compare.js';
import { reportPage } from '../../src/report/page.js';
import type { RunView } from '../../src/report/view.js';

const HOSTILE = '<script>alert(1)</script></textarea><img src=x onerror=alert(2)> &amp; &#60; "quoted" \'single\' \u202Eevil\u202C';

function run(minChars: number, dir: string): RunView {
  const recorder = new StatsRecorder();
  const collector = new ReportCollector();
  recorder.stage('jsonl', 0);
  recorder.stage('length', 1);
  for (let i = 0; i < 40; i++) {
    const doc: Doc = {
      id: `<b class=pwn>${i}</b>`,
      source: i % 2 ? 'web' : '<i>src</i>',
      text: `${HOSTILE} ${'word '.repeat(i * 10)}`,
      meta: { url: `"><svg onload=alert(3)>${i}`, score: i / 40, language: '<script>lang</script>' }, // the language and source end up in Vega's axis labels
    };
    recorder.docIn(doc.source, doc.text.length);
    collector.docIn(doc);
    if (doc.text.length < minChars) {
      recorder.rejected('length', doc.source, 'too_short');
      collector.removed('length', doc, 'rejected', 'too_short', { why: '<script>' });
    } else {
      recorder.kept(doc.source, doc.text.length, 0);
      collector.kept(doc);
    }
  }
  const s = recorder.stats;
  return {
    dir,
    stats: { name: 'page-test', created: '2026-01-01T00:00:00.000Z', ...s, ledger: { ...s.ledger, balanced: true }, tasks: [{ phase: 'docs-0', tasks: 1, seconds: 1 }] },
    data: collector.data(),
  };
}

/** Everything outside Vega's SVG, where document text could appear. */
function outsideSvg(page: string): string {
  return page.replace(/<svg[\s\S]*?<\/svg>/g, '');
}

describe('report page', () => {
  it('escapes every document field and references nothing outside itself', async () => {
    const page = await reportPage(run(200, '/tmp/<dir>'));
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/<img/i);
    expect(page).not.toMatch(/<\/textarea>/i);
    expect(page).not.toContain('<b class=pwn>');
    expect(page).not.toContain('<i>src</i>');
    expect(page).not.toContain('"><svg onload');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&lt;/textarea&gt;&lt;img src=x onerror=alert(2)&gt; &amp;amp; &amp;#60; &quot;quoted&quot; &#39;single&#39; \u202Eevil\u202C');
    expect(page).toMatch(/&lt;b class=pwn&gt;\d+&lt;\/b&gt;/);
    expect(page).toContain('&lt;i&gt;src&lt;/i&gt;');
    expect(page).toContain('&lt;script&gt;lang&lt;/script&gt;'); // escaped by Vega in the language chart's labels
    expect(page).toContain('/tmp/&lt;dir&gt;');
    // no URL is loaded: no src, no external href, a CSP that forbids any fetch
    expect(outsideSvg(page)).not.toMatch(/\s(src|href)="(?!#)/i);
    expect(page).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    // every chart announces the bars it must draw, and Vega drew that many
    const figures = page.match(/<figure class="chart" data-marks="\d+">[\s\S]*?<\/figure>/g) ?? [];
    expect(figures.length).toBe(5); // funnel in documents and characters, characters per document, language, time per phase
    for (const f of figures) {
      const expected = Number(/data-marks="(\d+)"/.exec(f)![1]);
      const marks = f.match(/<g class="mark-rect role-mark[^"]*"[^>]*>([\s\S]*?)<\/g>/g) ?? [];
      const paths = marks.reduce((n, g) => n + (g.match(/<path /g) ?? []).length, 0);
      expect(paths).toBe(expected);
    }
  }, 60_000);

  it('reports a run without report data (an older sluice, or SLUICE_REPORT=off) from its counts alone', async () => {
    const { data: _omitted, ...counts } = run(200, 'old');
    const page = await reportPage(counts);
    expect(page).toContain('This run collected no report data');
    expect(page).toContain('No samples: this run collected no report data.');
    const figures = page.match(/<figure class="chart" data-marks="\d+">/g) ?? [];
    expect(figures.length).toBe(2); // the funnel from the per-source totals, time per phase
  }, 60_000);

  it("shows each phase's CPU seconds beside its task seconds when the run recorded them", async () => {
    const counts = run(200, 'cpu');
    const without = await reportPage(counts);
    expect(without).toContain('<th>task seconds</th>');
    expect(without).not.toContain('CPU seconds');
    const page = await reportPage({ ...counts, stats: { ...counts.stats, tasks: [{ phase: 'docs-0', tasks: 1, seconds: 1.5, cpu_seconds: 1.25 }] } });
    expect(page).toMatch(/<th>task seconds<\/th>\s*<th>CPU seconds<\/th>/);
    expect(page).toMatch(/<td class="n">1\.5<\/td>\s*<td class="n">1\.25<\/td>/);
  }, 60_000);

  it('is the same bytes for the same run', async () => {
    expect(await reportPage(run(200, 'x'))).toBe(await reportPage(run(200, 'x')));
  }, 60_000);

  it('--compare: counts that moved and documents kept in one run and dropped in the other', async () => {
    const page = await comparePage(run(200, 'a'), run(300, 'b'));
    expect(page).not.toMatch(/<script/i);
    const fates = /<section id="fates">[\s\S]*?<\/section>/.exec(page)![0];
    expect(fates).toMatch(/Kept in A, dropped in B<\/b> <span class="count">\d+ sampled/);
    expect(fates).not.toMatch(/Kept in A, dropped in B<\/b> <span class="count">0 sampled/);
    expect(fates).toContain('in B: rejected by length: too_short; in A:');
  }, 60_000);

  it('html`` escapes interpolations, arrays included, and keeps its own markup', () => {
    expect(html`<p>${'<x>'}${['&', html`<b>${'"'}</b>`]}</p>`.value).toBe('<p>&lt;x&gt;&amp;<b>&quot;</b></p>');
    expect(esc(`'`)).toBe('&#39;');
  });
});
