/**
 * MediaWiki wikitext to plain text for training data: what a reader of the rendered article
 * sees as prose, without the machinery around it.
 *
 * Removed: HTML comments, <ref> citations, templates (infoboxes, navboxes, citation and
 * maintenance templates, parser functions), tables, file/image/category/interlanguage links,
 * galleries, math, reference-only sections (References, External links, ...), headings left
 * without content. Kept: prose, list items, links as their label, headings as lines of their own,
 * the text of a few inline templates that render words (lang, nowrap, convert, birth date, ...).
 * A final pass removes the debris removal leaves behind: `()`, `( , )`, ` ,`, `. .`, `&nbsp;`.
 *
 * Hand-written rather than wtf_wikipedia: several times faster with fewer leftovers (the `wikitext`
 * rows of the readers-dumps bench; README, "Wikipedia"); it does not build a document model, it only
 * deletes.
 */

export interface WikitextOptions {
  /** Extra namespace names whose links are dropped (localised File/Category names from the dump's siteinfo). */
  dropNamespaces?: readonly string[];
  /** Section headings (case-insensitive) removed with their content. */
  dropSections?: readonly string[];
}

// a packed table: one row per line reads better than one value per line
// prettier-ignore
export const DEFAULT_DROP_SECTIONS = [
  'references', 'notes', 'footnotes', 'citations', 'sources', 'bibliography', 'further reading', 'external links', 'see also',
  'notes and references', 'references and notes', 'works cited',
  'einzelnachweise', 'weblinks', 'literatur', 'anmerkungen', 'siehe auch',
  'références', 'notes et références', 'liens externes', 'voir aussi', 'bibliographie',
  'referencias', 'enlaces externos', 'véase también', 'notas',
  '参考文献', '参考资料', '參考資料', '外部链接', '外部連結', '参见', '參見', '注释', '註釋', '脚注', '関連項目', '外部リンク',
];

// a packed table: one row per line reads better than one value per line
// prettier-ignore
const DROP_NAMESPACES = [
  'file', 'image', 'media', 'category',
  'datei', 'bild', 'kategorie', 'fichier', 'catégorie', 'archivo', 'imagen', 'categoría', 'immagine', 'categoria',
  'файл', 'категория', '文件', '檔案', '图像', '圖像', '分类', '分類', 'ファイル', '画像', 'カテゴリ',
];

/** Tags whose content is not prose. */
const DROP_ELEMENTS = [
  'ref',
  'references',
  'gallery',
  'math',
  'chem',
  'ce',
  'timeline',
  'imagemap',
  'score',
  'graph',
  'mapframe',
  'maplink',
  'templatedata',
  'includeonly',
  'noinclude',
  'hiero',
  'inputbox',
  'categorytree',
];
/** One pattern per tag, applied in turn: `<tag/>`, or `<tag>` to its closing tag (or the end of the text). */
const DROP_ELEMENT_PATTERNS = DROP_ELEMENTS.map((tag) => new RegExp(`<${tag}\\b[^>]*?/>|<${tag}\\b[^>]*>[\\s\\S]*?(?:</${tag}\\s*>|$)`, 'gi'));
/** The opening of any of them, to find in one scan which patterns can match at all. */
const DROP_ELEMENT_START = new RegExp(`<(${DROP_ELEMENTS.join('|')})\\b`, 'gi');

function droppedElementsIn(t: string): Set<string> {
  const tags = new Set<string>();
  for (const m of t.matchAll(DROP_ELEMENT_START)) tags.add(m[1]!.toLowerCase());
  return tags;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

// a packed table: one row per line reads better than one value per line
// prettier-ignore
const ENTITIES: Readonly<Record<string, string>> = {
  nbsp: ' ', amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", ndash: '–', mdash: '—', minus: '−', times: '×', hellip: '…',
  lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', middot: '·', deg: '°', copy: '©', reg: '®',
  thinsp: ' ', ensp: ' ', emsp: ' ', zwj: '', zwnj: '', shy: '', lrm: '', rlm: '', euro: '€', pound: '£', yen: '¥', cent: '¢', sect: '§',
  para: '¶', bull: '•', prime: '′', Prime: '″', frac12: '½', frac14: '¼', frac34: '¾', plusmn: '±', le: '≤', ge: '≥', ne: '≠',
  rarr: '→', larr: '←', harr: '↔', uarr: '↑', darr: '↓', alpha: 'α', beta: 'β', gamma: 'γ', delta: 'δ', pi: 'π', mu: 'μ', sup2: '²', sup3: '³',
};

export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]+|#\d+|[a-z][a-z0-9]*);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
    }
    return ENTITIES[e] ?? ENTITIES[e.toLowerCase()] ?? m;
  });
}

/**
 * Replaces every outermost `open ... close` block (nesting respected) with `fn(inner)`.
 * An opener that is never closed is dropped and its text kept, as MediaWiki shows it as text.
 */
export function replaceBalanced(s: string, open: string, close: string, fn: (inner: string) => string): string {
  let out = '';
  let i = 0;
  for (;;) {
    const start = s.indexOf(open, i);
    if (start < 0) return out + s.slice(i);
    let depth = 1;
    let j = start + open.length;
    while (depth > 0) {
      const c = s.indexOf(close, j);
      if (c < 0) {
        // nothing closes after here, so no later opener closes either
        return (
          out +
          s.slice(i, start) +
          s
            .slice(start + open.length)
            .split(open)
            .join('')
        );
      }
      const o = s.indexOf(open, j);
      if (o >= 0 && o < c) {
        depth++;
        j = o + open.length;
      } else {
        depth--;
        j = c + close.length;
      }
    }
    out += s.slice(i, start) + fn(s.slice(start + open.length, j - close.length));
    i = j;
  }
}

/** Splits template or link arguments at `|` that are not inside nested `{{ }}` or `[[ ]]`. */
export function splitArgs(inner: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let last = 0;
  for (let i = 0; i < inner.length; i++) {
    const ch = inner.charCodeAt(i);
    const next = inner.charCodeAt(i + 1);
    if ((ch === 0x7b && next === 0x7b) || (ch === 0x5b && next === 0x5b)) {
      depth++;
      i++;
    } else if ((ch === 0x7d && next === 0x7d) || (ch === 0x5d && next === 0x5d)) {
      depth = Math.max(0, depth - 1);
      i++;
    } else if (ch === 0x7c && depth === 0) {
      parts.push(inner.slice(last, i));
      last = i + 1;
    }
  }
  parts.push(inner.slice(last));
  return parts;
}

function positional(args: readonly string[]): string[] {
  return args
    .slice(1)
    .filter((a) => !/^\s*[\w -]+\s*=/.test(a))
    .map((a) => a.trim());
}

function named(args: readonly string[], key: string): string | undefined {
  for (const a of args.slice(1)) {
    const m = /^\s*([\w -]+?)\s*=([\s\S]*)$/.exec(a);
    if (m && m[1]!.toLowerCase() === key) return m[2]!.trim();
  }
  return undefined;
}

function date(p: readonly string[]): string {
  const [y, m, d] = p;
  if (y === undefined || !/^\d{1,4}$/.test(y)) return '';
  const month = m !== undefined && /^\d{1,2}$/.test(m) ? MONTHS[Number(m) - 1] : undefined;
  if (!month) return y;
  return d !== undefined && /^\d{1,2}$/.test(d) ? `${Number(d)} ${month} ${y}` : `${month} ${y}`;
}

/** The words an inline template renders, for the few that render prose; '' for all others. */
function renderTemplate(inner: string, opts: WikitextOptions): string {
  const args = splitArgs(inner);
  const name = args[0]!
    .trim()
    .toLowerCase()
    .replace(/_/g, ' ')
    .replace(/^template:/, '');
  const p = positional(args);
  const text = (s: string | undefined): string => (s === undefined ? '' : inline(s, opts));
  if (name === 'lang' || name === 'transl' || name === 'transliteration') return text(named(args, 'text') ?? p[1]);
  if (name.startsWith('lang-')) return text(named(args, 'text') ?? p[0]);
  switch (name) {
    case 'nowrap':
    case 'nobr':
    case 'nobreak':
    case 'small':
    case 'smaller':
    case 'big':
    case 'larger':
    case 'em':
    case 'strong':
    case 'sic':
    case 'abbr':
    case 'nihongo':
    case 'ill':
    case 'interlanguage link':
    case 'link-en':
    case 'le':
    case 'flag':
    case 'keypress':
    case 'vanchor':
    case 'math':
    case 'mvar':
    case 'var':
    case 'script':
    case 'serif':
    case 'sans-serif':
    case 'tooltip':
      return text(p[0]);
    case 'quote':
    case 'blockquote':
    case 'cquote':
    case 'quotation':
    case 'quote box':
      return text(named(args, 'text') ?? named(args, 'quote') ?? p[0]);
    case 'convert':
    case 'cvt': {
      const [a, b, c, d] = p;
      if (a === undefined) return '';
      if (c !== undefined && d !== undefined && ['to', '-', '–', 'and', 'or', 'by', 'x', '×'].includes(b ?? '')) return `${a} ${b} ${c} ${d}`;
      return b === undefined ? a : `${a} ${b}`;
    }
    case 'ndash':
    case 'snd':
    case 'spaced ndash':
    case 'spaced en dash':
      return name === 'ndash' ? '–' : ' – ';
    case 'mdash':
    case 'spaced mdash':
      return '—';
    case "'":
      return "'";
    case 'frac':
      return p.length >= 3 ? `${p[0]} ${p[1]}/${p[2]}` : p.length === 2 ? `${p[0]}/${p[1]}` : '';
    case 'as of':
      return p[0] ? `${named(args, 'lc') === 'y' ? 'as' : 'As'} of ${date(p)}` : '';
    case 'circa':
    case 'c.':
      return p[0] ? `c. ${p[0]}` : '';
    case 'birth date':
    case 'birth date and age':
    case 'death date':
    case 'death date and age':
    case 'start date':
    case 'end date':
    case 'start date and age':
    case 'dob':
      return date(p);
    case 'birth year and age':
    case 'death year and age':
      return p[0] ?? '';
    default:
      return '';
  }
}

function isDroppedLinkTarget(target: string, opts: WikitextOptions): boolean {
  const colon = target.indexOf(':');
  if (colon <= 0) return false;
  const prefix = target.slice(0, colon).trim().toLowerCase();
  if (DROP_NAMESPACES.includes(prefix) || opts.dropNamespaces?.some((n) => n.toLowerCase() === prefix)) return true;
  // interlanguage links ([[de:Berlin]], [[zh-yue:...]]) render in the sidebar, not the text
  return /^[a-z]{2,3}(-[a-z]{2,8})*$/.test(prefix);
}

function renderLink(inner: string, opts: WikitextOptions): string {
  const args = splitArgs(inner);
  let target = args[0]!.trim();
  if (target.startsWith(':'))
    target = target.slice(1); // [[:Category:X|label]] is a plain link
  else if (isDroppedLinkTarget(target, opts)) return '';
  if (args.length > 1) {
    const label = args.slice(1).join('|').trim();
    // pipe trick: [[Paris (band)|]] shows "Paris"
    return label === '' ? target.replace(/\s*\([^)]*\)\s*$/, '').replace(/^[^:]*:/, '') : inline(label, opts);
  }
  return inline(target.replace(/^#/, ''), opts);
}

/** Text of one line or fragment: links, external links, bold/italic, tags, entities. */
function inline(s: string, opts: WikitextOptions): string {
  let t = s.includes('{{') ? replaceBalanced(s, '{{', '}}', (x) => renderTemplate(x, opts)) : s;
  if (t.includes('[[')) t = replaceBalanced(t, '[[', ']]', (x) => renderLink(x, opts));
  // [http://example.org label] -> label; [http://example.org] -> nothing
  t = t.replace(/\[(?:https?:|ftp:)?\/\/[^\s\]]+(?:\s+([^\]]*))?\]/gi, (_m, label: string | undefined) => label ?? '');
  t = t.replace(/'{2,5}/g, '');
  t = t.replace(/<br\s*\/?>/gi, ' ').replace(/<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi, '');
  return decodeEntities(t);
}

function stripElements(s: string): string {
  let t = s.replace(/<!--[\s\S]*?(?:-->|$)/g, '');
  if (!t.includes('<')) return t;
  // most pages hold few of these tags: skip the passes that cannot match (rescanning after a
  // removal, which can join a `<` to a tag name, keeps the result that of every pass in turn)
  let present = droppedElementsIn(t);
  for (const [i, tag] of DROP_ELEMENTS.entries()) {
    if (!present.has(tag)) continue;
    const next = t.replace(DROP_ELEMENT_PATTERNS[i]!, '');
    if (next !== t) present = droppedElementsIn(next);
    t = next;
  }
  // <nowiki>, <pre>, <poem>, <syntaxhighlight> keep their text; the tags go later with the rest
  return t;
}

/** Tables `{| ... |}` removed with their content, nested ones included. */
function stripTables(s: string): string {
  if (!s.includes('{|')) return s;
  const out: string[] = [];
  let depth = 0;
  for (const line of s.split('\n')) {
    // a table may sit in an indented or list line (":{|")
    const l = line.replace(/^[\s:*#]+/, '');
    if (l.startsWith('{|')) depth++;
    else if (depth > 0 && l.startsWith('|}')) {
      depth--;
      if (depth === 0) out.push(''); // a table separates the paragraphs around it
      continue;
    }
    if (depth === 0) out.push(line);
  }
  return out.join('\n');
}

const HEADING = /^(={1,6})\s*(.*?)\s*\1\s*$/;

interface Block {
  heading?: number;
  /** A list item or indented line: stays on its own line. */
  item?: boolean;
  text: string;
}

/** Removes debris that deleting templates and references leaves inside sentences. */
export function tidy(line: string): string {
  let t = line.replace(/[\u00a0\u2009\u202f]/g, ' ').replace(/&nbsp;/gi, ' ');
  for (let k = 0; k < 3; k++) {
    const before = t;
    t = t
      .replace(/\(\s*[,;:–—-]?\s*\)/g, '')
      .replace(/\(\s*[,;:]\s*/g, '(')
      .replace(/\s*[,;:]\s*\)/g, ')')
      .replace(/\[\s*\]/g, '')
      .replace(/[ \t]{2,}/g, ' ')
      .replace(/\s+([,.;:!?)\]、，。；：！？）])/g, '$1')
      .replace(/([([（])\s+/g, '$1')
      .replace(/([.,;:])(\s*\1)+/g, '$1')
      .replace(/,\s*\./g, '.');
    if (t === before) break;
  }
  return t.trim();
}

/** Plain text of an article's wikitext. */
export function wikitextToText(src: string, opts: WikitextOptions = {}): string {
  const drop = new Set((opts.dropSections ?? DEFAULT_DROP_SECTIONS).map((s) => s.toLowerCase()));
  let s = stripElements(src.replace(/\r\n?/g, '\n'));
  s = replaceBalanced(s, '{{', '}}', (x) => renderTemplate(x, opts));
  s = stripTables(s);
  s = s.replace(/__[A-Z]+__/g, '');
  // links can span lines (file captions often do): drop file/category links whole, and put
  // other links on one line, before the text is handled line by line
  if (s.includes('[['))
    s = replaceBalanced(s, '[[', ']]', (inner) => (isDroppedLinkTarget(inner.replace(/^\s*:/, ':'), opts) && !inner.trimStart().startsWith(':') ? '' : `[[${inner.replace(/\n/g, ' ')}]]`));

  const blocks: Block[] = [];
  let dropping = 0; // level of the dropped section we are inside, 0 when none
  for (const raw of s.split('\n')) {
    const h = HEADING.exec(raw);
    if (h) {
      const level = h[1]!.length;
      const title = tidy(inline(h[2]!, opts));
      if (dropping > 0 && level > dropping) continue;
      dropping = drop.has(title.toLowerCase()) ? level : 0;
      if (dropping === 0 && title !== '') blocks.push({ heading: level, text: title });
      continue;
    }
    if (dropping > 0) continue;
    let line = raw;
    if (/^\s*-{4,}\s*$/.test(line)) continue;
    // list and indent markers: * # : ; (a definition "; term : text" keeps both parts)
    const definition = line.startsWith(';');
    const item = /^[*#:;]/.test(line);
    line = line.replace(/^[*#:;]+\s*/, '');
    if (definition) line = line.replace(/^(.*?)\s+:\s+/, '$1: ');
    const text = tidy(inline(line, opts));
    if (text === '' || /^[\s|!{}[\]().,;:–—-]*$/.test(text)) {
      blocks.push({ text: '' });
      continue;
    }
    blocks.push(item ? { text, item } : { text });
  }

  // a heading is kept only if text follows before the next heading of the same or a higher level
  const out: string[] = [];
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i]!;
    if (b.heading !== undefined) {
      let hasText = false;
      for (let j = i + 1; j < blocks.length; j++) {
        const n = blocks[j]!;
        if (n.heading !== undefined && n.heading <= b.heading) break;
        if (n.heading === undefined && n.text !== '') {
          hasText = true;
          break;
        }
      }
      if (hasText) out.push('', b.text, '');
      continue;
    }
    if (b.text === '') {
      if (out.length > 0 && out[out.length - 1] !== '') out.push('');
      continue;
    }
    // one newline inside a paragraph is a space in the rendered page
    const prev = blocks[i - 1];
    if (!b.item && prev && prev.heading === undefined && !prev.item && prev.text !== '' && out.length > 0 && out[out.length - 1] !== '') out[out.length - 1] += ` ${b.text}`;
    else out.push(b.text);
  }
  return out
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const DISAMBIGUATION =
  /\{\{\s*(disambiguation|disambig|dab|disamb|hndis|geodis|hospitaldis|schooldis|mathdab|shipindex|begriffsklärung|homonymie|desambiguación|disambigua|消歧义|消歧義|aimai)\s*(\||\}\})/i;

/** A page that lists meanings of a title rather than being an article. */
export function isDisambiguation(wikitext: string, title: string): boolean {
  return /\((disambiguation|消歧义|消歧義)\)\s*$/i.test(title) || DISAMBIGUATION.test(wikitext);
}

const REDIRECT = /^\s*#\s*(redirect|weiterleitung|redirection|redirección|rinvia|перенаправление|重定向|転送|リダイレクト)\b/i;

export function isRedirectText(wikitext: string): boolean {
  return REDIRECT.test(wikitext);
}
