/**
 * Example plugin: a reader of tab-separated files with a header row (spreadsheet exports,
 * annotation dumps). One document per row: `text_column` is the text, `id_column` the id, every
 * other column goes to meta. Plain, .gz or .zst files. Used by pipelines/plugin-example.yaml.
 */
import { defineReader, openDecoded, z, type Meta } from 'sluice';

async function* lines(bytes: AsyncIterable<Uint8Array>): AsyncIterable<string> {
  const decoder = new TextDecoder('utf-8');
  let rest = '';
  for await (const chunk of bytes) {
    const parts = (rest + decoder.decode(chunk, { stream: true })).split('\n');
    rest = parts.pop()!;
    for (const p of parts) yield p.replace(/\r$/, '');
  }
  rest += decoder.decode();
  if (rest !== '') yield rest.replace(/\r$/, '');
}

/** Undoes the TSV escapes of tab, newline and backslash in a field. */
const unescape = (field: string): string => field.replace(/\\([tnr\\])/g, (_m, c: string) => ({ t: '\t', n: '\n', r: '\r', '\\': '\\' })[c]!);

export const readers = [
  defineReader({
    name: 'tsv',
    summary: 'tab-separated values with a header row; one document per row, other columns go to meta',
    defaultSource: 'tsv',
    params: z
      .object({
        text_column: z.string().min(1).default('text').describe('column holding the document text'),
        id_column: z.string().min(1).optional().describe('column holding the id (default: <file>:<line>)'),
      })
      .strict(),
    async *read(file, params, ctx) {
      const { bytes } = await openDecoded(file);
      let header: string[] | undefined;
      let lineNo = 0;
      for await (const line of lines(bytes)) {
        lineNo++;
        if (header === undefined) {
          header = line.split('\t');
          if (!header.includes(params.text_column)) throw new Error(`${file.uri}: the header has no column "${params.text_column}" (columns: ${header.join(', ')})`);
          continue;
        }
        if (line === '') continue;
        const fields = line.split('\t');
        const id = `${file.uri}:${lineNo}`;
        if (fields.length !== header.length) {
          ctx.invalid({ id, reason: 'bad_record', record: lineNo, error: `${fields.length} fields where the header has ${header.length}`, raw: line });
          continue;
        }
        const meta: Meta = {};
        let text = '';
        let docId = id;
        header.forEach((col, i) => {
          const value = unescape(fields[i]!);
          if (col === params.text_column) text = value;
          else if (col === params.id_column) docId = value;
          else meta[col] = value;
        });
        yield { id: docId, text, source: ctx.source, meta };
      }
    },
  }),
];
