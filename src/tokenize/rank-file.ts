/**
 * tiktoken's rank-file format: one token per line, `base64(bytes) rank`, ranks being the ids.
 * Also the compact form js-tiktoken ships (`prefix offset tok tok ...`: consecutive ranks from
 * offset), which is what the standard vocabularies are loaded from.
 */
import { SluiceError } from '../core/errors.js';
import { TokenTable, TokenTableBuilder } from './token-table.js';

const B64 = new Int16Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => {
  B64[c.charCodeAt(0)] = i;
});

/** Decodes standard base64 text[start, end) into the builder as token `id`; false if malformed. */
function addBase64(builder: TokenTableBuilder, id: number, text: string, start: number, end: number): boolean {
  while (end > start && text.charCodeAt(end - 1) === 0x3d) end--; // '=' padding
  const n = end - start;
  if (n % 4 === 1) return false;
  const bytes = Math.floor((n * 3) / 4);
  const { buf, at } = builder.reserve(bytes);
  let o = at;
  let acc = 0;
  let bits = 0;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    const v = c < 128 ? B64[c]! : -1;
    if (v < 0) return false;
    acc = ((acc << 6) | v) & 0xffffff;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      buf[o++] = (acc >> bits) & 0xff;
    }
  }
  builder.commit(id, o - at);
  return true;
}

/** Parses a tiktoken rank file (`base64 rank` lines). */
export function parseRankFile(text: string, file: string): TokenTable {
  const builder = new TokenTableBuilder();
  let lineNo = 0;
  for (let pos = 0; pos < text.length;) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    lineNo++;
    let lineEnd = nl;
    if (lineEnd > pos && text.charCodeAt(lineEnd - 1) === 0x0d) lineEnd--;
    if (lineEnd > pos) {
      const space = text.indexOf(' ', pos);
      const rank = space > pos && space < lineEnd ? Number(text.slice(space + 1, lineEnd)) : Number.NaN;
      if (!Number.isInteger(rank) || rank < 0 || rank > 0x7ffffffe) {
        throw new SluiceError('SLUICE_TOKENIZER', `${file}:${lineNo}: expected "<base64> <rank>"`, { file, record: lineNo, hint: 'a tiktoken rank file has one "base64 rank" pair per line' });
      }
      if (builder.has(rank)) throw new SluiceError('SLUICE_TOKENIZER', `${file}:${lineNo}: rank ${rank} appears twice`, { file, record: lineNo });
      if (!addBase64(builder, rank, text, pos, space)) {
        throw new SluiceError('SLUICE_TOKENIZER', `${file}:${lineNo}: malformed base64 "${text.slice(pos, space)}"`, { file, record: lineNo });
      }
    }
    pos = nl + 1;
  }
  return builder.build();
}

/** Parses js-tiktoken's compact `bpe_ranks` string. */
export function parseCompactRanks(text: string, source: string): TokenTable {
  const builder = new TokenTableBuilder();
  // Scans the one string by offsets: splitting it into lines and fields made 100k short strings.
  for (let pos = 0; pos < text.length;) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    if (nl > pos) {
      // `prefix offset tok tok ...`
      let afterPrefix = text.indexOf(' ', pos);
      if (afterPrefix < 0 || afterPrefix > nl) afterPrefix = nl;
      let afterOffset = afterPrefix < nl ? text.indexOf(' ', afterPrefix + 1) : -1;
      if (afterOffset < 0 || afterOffset > nl) afterOffset = nl;
      const offset = afterPrefix < nl ? Number(text.slice(afterPrefix + 1, afterOffset)) : Number.NaN;
      if (!Number.isInteger(offset)) throw new SluiceError('SLUICE_TOKENIZER', `${source}: malformed compact rank line`);
      let id = offset;
      for (let t = afterOffset + 1; t <= nl; id++) {
        let end = text.indexOf(' ', t);
        if (end < 0 || end > nl) end = nl;
        if (!addBase64(builder, id, text, t, end)) throw new SluiceError('SLUICE_TOKENIZER', `${source}: malformed base64 "${text.slice(t, end)}"`);
        t = end + 1;
      }
    }
    pos = nl + 1;
  }
  return builder.build();
}
