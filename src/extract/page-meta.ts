import type { HtmlElement, HtmlTree } from './html-tree.js';

/**
 * Title, author, publication date and site name of a page, from its `<meta>` tags (Open Graph,
 * article:*, Dublin Core, schema.org itemprops) and, for the date, the first `<time datetime>`.
 * They go to the document's meta, not into its text.
 */
export interface PageMeta {
  title: string;
  author: string | undefined;
  date: string | undefined;
  siteName: string | undefined;
}

function first(meta: ReadonlyMap<string, string>, keys: readonly string[]): string | undefined {
  for (const k of keys) {
    const v = meta.get(k)?.replace(/\s+/g, ' ').trim();
    if (v !== undefined && v !== '') return v;
  }
  return undefined;
}

function firstTime(el: HtmlElement): string | undefined {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (c.tag === 'time' && c.attrs['datetime'] !== undefined && c.attrs['datetime'].trim() !== '') return c.attrs['datetime'].trim();
    if (c.attrs['itemprop'] === 'datePublished') {
      const v = c.attrs['content'] ?? c.attrs['datetime'];
      if (v !== undefined && v.trim() !== '') return v.trim();
    }
    const found = firstTime(c);
    if (found !== undefined) return found;
  }
  return undefined;
}

export function pageMeta(tree: HtmlTree): PageMeta {
  const m = tree.meta;
  const author = first(m, ['author', 'article:author', 'dc.creator', 'dcterms.creator', 'parsely-author', 'sailthru.author', 'byl', 'twitter:creator']);
  return {
    title: tree.title !== '' ? tree.title : (first(m, ['og:title', 'twitter:title', 'dc.title']) ?? ''),
    // an author given as a profile URL says nothing a reader can use
    author: author !== undefined && !/^https?:\/\//.test(author) ? author : undefined,
    date: first(m, ['article:published_time', 'datepublished', 'dc.date', 'dcterms.date', 'date', 'pubdate', 'publishdate', 'og:published_time', 'parsely-pub-date']) ?? firstTime(tree.root),
    siteName: first(m, ['og:site_name', 'application-name']),
  };
}
