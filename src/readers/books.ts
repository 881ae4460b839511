import { isUtf8 } from 'node:buffer';
import { z } from '../vendor/zod.js';
import { sizeSchema } from '../core/size.js';
import type { Meta } from '../core/doc.js';
import { errorMessage } from '../core/errors.js';
import { decodeStream, peek } from '../io/decompress.js';
import { readAll, readHead, TooLargeError } from '../io/read-bytes.js';
import { isZip, zipEntries } from '../io/zip.js';
import { stripGutenberg, unwrapParagraphs } from '../extract/gutenberg.js';
import { defineReader, type ReaderContext } from './reader.js';
import { isDecompressDamage, rethrowUnlessDamage } from './strict.js';
import type { Doc } from '../core/doc.js';

const params = z
  .object({
    strip_gutenberg: z.boolean().default(true).describe('remove the Project Gutenberg header and licence footer'),
    unwrap: z.boolean().default(true).describe('join hard-wrapped lines into paragraphs (blank line = paragraph break)'),
    max_book_bytes: sizeSchema.prefault('64MiB').describe('larger books are rejected (too_large): a book is held whole'),
  })
  .strict();
type Params = z.output<typeof params>;

const LATIN1 = /character set encoding:\s*(iso-8859-1|iso latin-1|latin-?1|windows-1252|cp-?1252)/i;

/** UTF-8, or the Latin-1/CP1252 many older Gutenberg files declare in their header; undefined if neither. */
function decodeBook(bytes: Buffer, ctx: ReaderContext): string | undefined {
  if (isUtf8(bytes)) return bytes.toString('utf8').replace(/^\uFEFF/, '');
  if (LATIN1.test(bytes.subarray(0, 16 * 1024).toString('latin1'))) {
    ctx.stats.count('decoded_latin1', 1);
    return new TextDecoder('windows-1252').decode(bytes);
  }
  return undefined;
}

function toDoc(id: string, bytes: Buffer, file: string, p: Params, ctx: ReaderContext): Doc | undefined {
  const raw = decodeBook(bytes, ctx);
  if (raw === undefined) {
    ctx.invalid({ id, reason: 'invalid_utf8', record: id, error: 'the book is not valid UTF-8 and its header declares no Latin-1 encoding' });
    return undefined;
  }
  const text = raw.replace(/\r\n?/g, '\n');
  const stripped = p.strip_gutenberg ? stripGutenberg(text) : { body: text, meta: {}, hasStart: false, hasEnd: false };
  if (p.strip_gutenberg && !stripped.hasStart && !stripped.hasEnd) ctx.stats.count('no_gutenberg_markers', 1);
  if (stripped.hasStart && !stripped.hasEnd) ctx.stats.count('no_end_marker', 1);
  const body = p.unwrap ? unwrapParagraphs(stripped.body) : stripped.body.trim();
  const m = stripped.meta;
  const meta: Meta = { file };
  if (m.title !== undefined) meta['title'] = m.title;
  if (m.author !== undefined) meta['author'] = m.author;
  if (m.language !== undefined) meta['language'] = m.language;
  if (m.ebook !== undefined) meta['ebook'] = m.ebook;
  meta['gutenberg_markers'] = stripped.hasStart || stripped.hasEnd;
  if (body.trim() === '') {
    ctx.skip({ id, reason: 'empty', meta });
    return undefined;
  }
  return { id, text: body, source: ctx.source, meta };
}

function describe(err: unknown, p: Params): string {
  return err instanceof TooLargeError ? `more than max_book_bytes=${p.max_book_bytes} bytes` : errorMessage(err);
}

/**
 * Plain-text books, Project Gutenberg style: `.txt`, `.txt.gz` (or .zst/.bz2) and `.zip`
 * archives holding `.txt` files; one document per book.
 */
export const booksReader = defineReader({
  name: 'books',
  summary: 'Project Gutenberg-style books (.txt, .txt.gz, .zip of .txt): licence header/footer removed, paragraphs unwrapped',
  defaultSource: 'books',
  params,
  async *read(file, p, ctx) {
    // ids name the input as given, so equal file names in two directories stay distinct
    const name = file.uri;
    // local zips are read in place (yauzl seeks), so only their first bytes are looked at here
    const localHead = file.localPath ? await readHead(file.open(), 4) : undefined;
    const { head, rest } = localHead && isZip(localHead) ? { head: localHead, rest: undefined } : await peek(file.open(), 4);
    if (isZip(head)) {
      let books = 0;
      try {
        const source = file.localPath ? { path: file.localPath } : { buffer: await readAll(rest!, p.max_book_bytes) };
        for await (const entry of zipEntries(source)) {
          const id = `${name}!${entry.name}`;
          if (!/\.txt$/i.test(entry.name) || entry.name.startsWith('__MACOSX/')) {
            ctx.stats.count('zip_entries_ignored', 1);
            continue;
          }
          books++;
          if (entry.uncompressedSize > p.max_book_bytes) {
            ctx.invalid({ id, reason: 'too_large', record: entry.name, error: `${entry.uncompressedSize} bytes exceeds max_book_bytes=${p.max_book_bytes}` });
            continue;
          }
          const doc = toDoc(id, await readAll(await entry.open(), p.max_book_bytes), file.uri, p, ctx);
          if (doc) yield doc;
        }
      } catch (err) {
        rethrowUnlessDamage(err);
        ctx.invalid({ id: `${name}:zip`, reason: err instanceof TooLargeError ? 'too_large' : 'bad_zip', record: name, error: describe(err, p) });
        return;
      }
      if (books === 0) ctx.invalid({ id: `${name}:zip`, reason: 'no_text_in_zip', record: name, error: 'the archive holds no .txt file' });
      return;
    }
    let bytes: Buffer;
    try {
      const { bytes: decoded } = await decodeStream(rest!, file.uri);
      bytes = await readAll(decoded, p.max_book_bytes);
    } catch (err) {
      if (!(err instanceof TooLargeError) && !isDecompressDamage(err)) throw err;
      ctx.invalid({ id: name, reason: err instanceof TooLargeError ? 'too_large' : 'truncated_input', record: name, error: describe(err, p) });
      return;
    }
    const doc = toDoc(name, bytes, file.uri, p, ctx);
    if (doc) yield doc;
  },
});
