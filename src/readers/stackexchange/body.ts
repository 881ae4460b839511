import { parseHtmlTree, type HtmlElement } from '../../extract/html-tree.js';
import { renderLines } from '../../extract/html-text.js';

/**
 * Inline `<code>` (not inside `<pre>`) gets backticks in Markdown form: the renderer keeps its
 * text but would lose what marked it as code. Block code (`<pre>`) is already fenced.
 */
function backtickInlineCode(el: HtmlElement, inPre: boolean): void {
  for (const c of el.children) {
    if (typeof c === 'string') continue;
    if (c.tag === 'code' && !inPre) {
      c.children.unshift('`');
      c.children.push('`');
    }
    backtickInlineCode(c, inPre || c.tag === 'pre');
  }
}

/** A post body (HTML) as text: one line per block, `<pre>` code verbatim, inline code kept. */
export function postBodyText(html: string, markdown: boolean): string {
  // rendered only: the extractor's per-element character and comma counts are not needed
  const tree = parseHtmlTree(html, { textCounts: false });
  if (markdown) backtickInlineCode(tree.root, false);
  return renderLines([tree.root], { markdown }).join('\n');
}
