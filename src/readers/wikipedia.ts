import type { SaxesAttributeNS, SaxesParser, SaxesTagPlain } from 'saxes';
import { z } from '../vendor/zod.js';
import { sizeSchema } from '../core/size.js';
import type { Doc } from '../core/doc.js';
import { errorMessage } from '../core/errors.js';
import { openDecoded } from '../io/decompress.js';
// side effect: *.xml.bz2 dumps decode through lbzip2 / bzip2 / unbzip2-stream
import '../io/bzip2.js';
import { DEFAULT_DROP_SECTIONS, isDisambiguation, isRedirectText, wikitextToText } from '../extract/wikitext.js';
import { defineReader, type ReaderContext } from './reader.js';
import { isDecompressDamage, rethrowUnlessDamage } from './strict.js';
import { pieceDocument } from './xml-dump-piece.js';

const params = z
  .object({
    namespaces: z.array(z.number().int()).default([0]).describe('page namespaces kept (0 = articles); others are skipped with reason namespace'),
    prepend_title: z.boolean().default(true).describe('start each document with the article title and a blank line'),
    drop_sections: z.array(z.string()).default(DEFAULT_DROP_SECTIONS).describe('section headings removed with their content (case-insensitive)'),
    max_page_bytes: sizeSchema.prefault('16MiB').describe('pages with more wikitext are rejected (too_large)'),
  })
  .strict();
type Params = z.output<typeof params>;

interface Page {
  title: string;
  ns: string;
  id: string;
  revisionId: string;
  timestamp: string;
  redirect: boolean;
  text: string[];
  textChars: number;
  tooLarge: boolean;
  /** The input had undecodable bytes while this page was read. */
  badBytes: boolean;
}

interface SiteInfo {
  dbname?: string;
  /** Localised names of the File (6), Category (14) and Media (-2) namespaces. */
  dropNamespaces: string[];
}

/** Turns SAX events into finished pages, one `<page>` element at a time. */
class PageCollector {
  readonly done: Page[] = [];
  readonly site: SiteInfo = { dropNamespaces: [] };
  page: Page | undefined;
  private readonly path: string[] = [];
  private buf = '';
  private nsKey: string | undefined;
  badChunk = false;

  constructor(
    parser: SaxesParser,
    private readonly maxPageChars: number,
  ) {
    parser.on('opentag', (tag: SaxesTagPlain) => this.open(tag));
    parser.on('closetag', (tag: SaxesTagPlain) => this.close(tag.name));
    parser.on('text', (t: string) => this.text(t));
    parser.on('cdata', (t: string) => this.text(t));
  }

  private open(tag: SaxesTagPlain): void {
    const name = tag.name;
    const parent = this.path[this.path.length - 1];
    this.path.push(name);
    this.buf = '';
    if (name === 'page') {
      this.page = { title: '', ns: '', id: '', revisionId: '', timestamp: '', redirect: false, text: [], textChars: 0, tooLarge: false, badBytes: this.badChunk };
    } else if (name === 'redirect' && parent === 'page' && this.page) {
      this.page.redirect = true;
    } else if (name === 'text' && this.page) {
      this.page.text = [];
      this.page.textChars = 0;
    } else if (name === 'namespace') {
      const key = tag.attributes['key'];
      this.nsKey = typeof key === 'string' ? key : (key as SaxesAttributeNS | undefined)?.value;
    }
  }

  private text(t: string): void {
    const name = this.path[this.path.length - 1];
    if (name === 'text' && this.page) {
      if (this.page.tooLarge) return;
      this.page.textChars += t.length;
      if (this.page.textChars > this.maxPageChars) {
        this.page.tooLarge = true;
        this.page.text = [];
        return;
      }
      this.page.text.push(t);
    } else if (name !== undefined) {
      this.buf += t;
    }
  }

  private close(name: string): void {
    this.path.pop();
    const parent = this.path[this.path.length - 1];
    const value = this.buf.trim();
    this.buf = '';
    const p = this.page;
    if (name === 'page' && p) {
      this.done.push(p);
      this.page = undefined;
    } else if (p && parent === 'page') {
      if (name === 'title') p.title = value;
      else if (name === 'ns') p.ns = value;
      else if (name === 'id') p.id = value;
    } else if (p && parent === 'revision') {
      if (name === 'id') p.revisionId = value;
      else if (name === 'timestamp') p.timestamp = value;
    } else if (name === 'dbname') {
      this.site.dbname = value;
    } else if (name === 'namespace' && (this.nsKey === '6' || this.nsKey === '14' || this.nsKey === '-2') && value !== '') {
      this.site.dropNamespaces.push(value);
    }
  }
}

function emit(page: Page, site: SiteInfo, prefix: string, p: Params, ctx: ReaderContext): Doc | undefined {
  const id = `${site.dbname ?? prefix}:${page.id || page.title}`;
  const meta = {
    title: page.title,
    page_id: Number(page.id) || page.id,
    revision_id: Number(page.revisionId) || page.revisionId,
    timestamp: page.timestamp,
    ...(site.dbname ? { wiki: site.dbname } : {}),
  };
  const ns = Number(page.ns);
  if (!p.namespaces.includes(ns)) {
    ctx.skip({ id, reason: 'namespace', meta, detail: { ns } });
    return undefined;
  }
  if (page.tooLarge) {
    ctx.invalid({ id, reason: 'too_large', record: page.title, error: `page has more than max_page_bytes=${p.max_page_bytes} characters of wikitext` });
    return undefined;
  }
  const wikitext = page.text.join('');
  if (page.badBytes && wikitext.includes('\uFFFD')) {
    ctx.invalid({ id, reason: 'invalid_utf8', record: page.title, error: 'the page contains bytes that are not valid UTF-8', raw: wikitext.slice(0, 4096) });
    return undefined;
  }
  if (page.redirect || isRedirectText(wikitext)) {
    ctx.skip({ id, reason: 'redirect', meta });
    return undefined;
  }
  if (isDisambiguation(wikitext, page.title)) {
    ctx.skip({ id, reason: 'disambiguation', meta });
    return undefined;
  }
  const body = wikitextToText(wikitext, { dropSections: p.drop_sections, dropNamespaces: site.dropNamespaces });
  if (body === '') {
    ctx.skip({ id, reason: 'empty', meta });
    return undefined;
  }
  return { id, text: p.prepend_title ? `${page.title}\n\n${body}` : body, source: ctx.source, meta };
}

/**
 * MediaWiki XML dumps (`pages-articles*.xml`, `.xml.bz2` including multistream, `.xml.gz`),
 * streamed with saxes: one document per article, wikitext converted to plain text.
 */
export const wikipediaReader = defineReader({
  name: 'wikipedia',
  summary: 'MediaWiki XML dumps (.xml, .xml.bz2 multistream, .xml.gz): namespace-0 articles as plain text',
  defaultSource: 'wikipedia',
  params,
  splittable: 'bz2-streams',
  async *read(file, p, ctx) {
    const name = file.uri;
    const { SaxesParser } = await import('saxes'); // loaded by the processes that read dumps, not by every one
    const parser = new SaxesParser({ position: true });
    const pages = new PageCollector(parser, p.max_page_bytes);
    const text = new TextDecoder('utf-8');
    let validator = new TextDecoder('utf-8', { fatal: true });
    let failure: { reason: string; error: string } | undefined;
    const flush = function* (): Iterable<Doc> {
      for (const page of pages.done.splice(0)) {
        const doc = emit(page, pages.site, name, p, ctx);
        if (doc) yield doc;
      }
    };
    try {
      // a piece of a multistream dump is parsed as a document of its head and the pages it owns
      const bytes = file.piece?.kind === 'bz2-streams' ? pieceDocument(file, 'page', '</mediawiki>') : (await openDecoded(file)).bytes;
      for await (const chunk of bytes) {
        pages.badChunk = false;
        try {
          validator.decode(chunk, { stream: true });
        } catch {
          pages.badChunk = true;
          validator = new TextDecoder('utf-8', { fatal: true });
        }
        if (pages.badChunk && pages.page) pages.page.badBytes = true;
        try {
          parser.write(text.decode(chunk, { stream: true }));
        } catch (err) {
          failure = { reason: 'bad_xml', error: `XML error at line ${parser.line}: ${errorMessage(err)}` };
          break;
        }
        yield* flush();
      }
    } catch (err) {
      if (!isDecompressDamage(err)) throw err;
      failure = { reason: 'truncated_input', error: errorMessage(err) };
    }
    yield* flush();
    const open = pages.page;
    if (!failure) {
      try {
        parser.write(text.decode());
        parser.close();
        yield* flush();
        return;
      } catch (err) {
        // saxes' complaint about unclosed tags is the damage; a SluiceError (strict stop) is not
        rethrowUnlessDamage(err);
        failure = { reason: 'truncated_input', error: `the XML ends before its closing tags: ${errorMessage(err)}` };
      }
    }
    if (open) {
      ctx.invalid({
        id: `${pages.site.dbname ?? name}:${open.id || open.title || 'page'}`,
        reason: failure.reason === 'bad_xml' ? 'bad_xml' : 'truncated_page',
        record: open.title || 'unknown page',
        error: `page "${open.title}" is cut off: ${failure.error}`,
      });
    } else {
      ctx.invalid({ id: `${name}:end`, reason: failure.reason, record: 'end', error: failure.error });
    }
  },
});
