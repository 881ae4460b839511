/** `sluice stats`' distributions: the report's numbers as compact tables with bar glyphs. */
import { describe, expect, it } from 'vitest';
import { bar, renderDistributions } from '../../src/cli/render-stats.js';
import { ReportCollector } from '../../src/report/collect.js';
import type { StatsFile } from '../../src/runner/finalize.js';

describe('sluice stats bars', () => {
  it('draws bars in eighths of a cell, scaled to the largest value', () => {
    expect(bar(30, 30, 30)).toBe('█'.repeat(30));
    expect(bar(15, 30, 30)).toBe('█'.repeat(15));
    expect(bar(1, 16, 2)).toBe('▏');
    expect(bar(3, 16, 2)).toBe('▍');
    expect(bar(0, 10)).toBe('');
  });

  it("prints stats.json's histograms and each source's lengths and stage scores, kept and dropped", () => {
    const c = new ReportCollector();
    for (let i = 0; i < 100; i++) {
      const doc = { id: `d${i}`, source: 'web', text: 'x'.repeat(i < 50 ? 100 : 3000), meta: { reader_n: i } };
      c.docIn(doc);
      const scored = { ...doc, meta: { ...doc.meta, language_score: i / 100 } };
      if (i < 20) c.removed('language', scored, 'rejected', 'language_low_score');
      else c.kept(scored);
    }
    const stats = { histograms: { language: { en: 80, de: 20 }, tokens_per_doc: { '16-31': 5, '128-255': 10 } } } as unknown as StatsFile;
    const text = renderDistributions(stats, c.data());
    const lines = text.split('\n');
    expect(lines).toContain('en          80  ' + '█'.repeat(30));
    expect(lines).toContain('de          20  ███████▌'); // 20/80 of 30 cells
    // numeric buckets in numeric order
    expect(text.indexOf('16-31')).toBeLessThan(text.indexOf('128-255'));
    expect(text).toContain('web: characters per document (█ kept, ░ dropped)');
    expect(lines.find((l) => l.startsWith('64-127'))).toMatch(/^64-127\s+30\s+20\s+█+▏?░+$/);
    expect(text).toContain('web: language_score (█ kept, ░ dropped)');
    expect(lines.find((l) => l.startsWith('0.1-0.15'))).toMatch(/^0\.1-0\.15\s+0\s+5\s+░+$/);
    expect(text).not.toContain('reader_n'); // a reader's field, not a stage's score
  });
});
