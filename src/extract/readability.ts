import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { parseHtmlTree } from './html-tree.js';
import { renderLines } from './html-text.js';
import type { PageMeta } from './page-meta.js';

export interface ReadabilityResult extends PageMeta {
  lines: string[];
  lang: string | undefined;
}

/**
 * The `warc` reader's `extractor: readability`: Mozilla's Readability.js (Firefox Reader View)
 * over a linkedom DOM. 14-19x slower than sluice's own extractor (README: figures) and within
 * a few hundredths of it in F1; offered for comparison and for users who want Firefox's output.
 * Returns undefined when Readability finds no article (the caller falls back to visible text).
 */
export function extractWithReadability(html: string, markdown: boolean): ReadabilityResult | undefined {
  const { document } = parseHTML(html);
  const lang = document.documentElement?.getAttribute('lang')?.trim().toLowerCase() || undefined;
  const title = (document.title ?? '').replace(/\s+/g, ' ').trim();
  // linkedom's Document is close enough to the DOM Readability walks; their types are separate declarations of it
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  if (article === null) return undefined;
  // its HTML, written out like sluice's own result, keeps one line per block (textContent runs paragraphs together)
  const content = parseHtmlTree(article.content ?? '');
  return {
    lines: renderLines([content.root], { markdown }),
    title: title !== '' ? title : (article.title ?? ''),
    lang,
    author: article.byline ?? undefined,
    date: article.publishedTime ?? undefined,
    siteName: article.siteName ?? undefined,
  };
}
