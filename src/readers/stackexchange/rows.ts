/**
 * A scanner for the one shape of XML a Stack Exchange dump table has: an XML declaration, a root
 * element (`<posts>`), and empty `<row .../>` elements whose columns are attributes. It works on
 * bytes: entities are replaced on the bytes and each attribute value is decoded from UTF-8 in one
 * native call, which is faster than saxes here and gives flat strings (values built piece by
 * piece are ropes that cost several times their size in the sort buffer and in GC). Anything outside that shape (text between rows, another element, a
 * row with content, a malformed attribute) is an XmlShapeError naming the byte offset.
 */
import { isUtf8 } from 'node:buffer';
import { asBuffer } from '../../io/read-bytes.js';

export class XmlShapeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`${message} at byte ${offset}`);
  }
}

export interface Row {
  /** The row's attributes, or only the kept ones when the scanner was given a `keep` set (`rowAttributes` gives them all). */
  attrs: Record<string, string>;
  /** The row's bytes, `<row` to `/>`: a view into the input, valid until the next `push`. */
  bytes: Buffer;
  /** Byte offset of the row's `<` in the decoded XML. */
  offset: number;
  /** The row's bytes were not valid UTF-8 (its values hold U+FFFD where they were). */
  badUtf8: boolean;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const QMARK = 0x3f;
const BANG = 0x21;
const EQ = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

const AMP = 0x26;
const SEMI = 0x3b;

/** The code point of the entity namedEntity last recognised. */
let entityCp = 0;

/**
 * The entity at `buf[at]` (an `&`): one of the five XML predefines or a character reference
 * (`&#65;`, `&#x41;`, at most 10 bytes with its `;`); returns its length, with its code point in
 * entityCp, or 0 when it is none (the `&` is then kept as written).
 */
function namedEntity(buf: Buffer, at: number, end: number): number {
  const c = buf[at + 1];
  if (c === 0x6c /* l */ && buf[at + 2] === 0x74 && buf[at + 3] === SEMI) return ((entityCp = 0x3c), 4);
  if (c === 0x67 /* g */ && buf[at + 2] === 0x74 && buf[at + 3] === SEMI) return ((entityCp = 0x3e), 4);
  if (c === 0x61 /* a */) {
    if (buf[at + 2] === 0x6d && buf[at + 3] === 0x70 && buf[at + 4] === SEMI) return ((entityCp = 0x26), 5);
    if (buf[at + 2] === 0x70 && buf[at + 3] === 0x6f && buf[at + 4] === 0x73 && buf[at + 5] === SEMI) return ((entityCp = 0x27), 6);
  }
  if (c === 0x71 /* q */ && buf[at + 2] === 0x75 && buf[at + 3] === 0x6f && buf[at + 4] === 0x74 && buf[at + 5] === SEMI) return ((entityCp = 0x22), 6);
  if (c === 0x23 /* # */) {
    // the first ';' within 10 bytes of the '&' and inside the value
    const limit = Math.min(end, at + 11);
    const hex = buf[at + 2] === 0x78; /* x */
    const first = at + (hex ? 3 : 2);
    let cp = 0;
    let i = first;
    for (; i < limit; i++) {
      const d = buf[i]!;
      if (d === SEMI) break;
      let v: number;
      if (d >= 0x30 && d <= 0x39) v = d - 0x30;
      else if (hex && (d | 0x20) >= 0x61 && (d | 0x20) <= 0x66) v = (d | 0x20) - 0x57;
      else {
        // not a digit: no reference unless the ';' comes first (it does not: i < limit and no ';' yet)
        return 0;
      }
      cp = cp * (hex ? 16 : 10) + v;
    }
    if (i >= limit || i === first || cp > 0x10ffff) return 0;
    entityCp = cp;
    return i + 1 - at;
  }
  return 0;
}

let out = Buffer.allocUnsafe(1 << 16);

/**
 * An attribute value (the bytes between its quotes) as XML defines it: literal tabs and
 * newlines become spaces, entities are replaced (a stray `&` is kept as written), and the result
 * is decoded from UTF-8 once. Working on the bytes gives one flat string per value: replacing
 * entities in a string builds a rope of slices that keeps the raw text alive and costs several
 * times the value's size until it is flattened.
 */
export function decodeAttributeBytes(buf: Buffer, start: number, end: number): string {
  let amp = buf.indexOf(AMP, start);
  if (amp >= end) amp = -1;
  if (amp < 0) {
    // most short values (numbers, dates) have neither an entity nor a literal tab or newline
    let ws = false;
    for (let i = start; i < end; i++) {
      const b = buf[i];
      if (b === 0x0a || b === 0x0d || b === 0x09) {
        ws = true;
        break;
      }
    }
    if (!ws) return buf.toString('utf8', start, end);
  }
  // entities and whitespace only shrink the value
  if (out.length < end - start) out = Buffer.allocUnsafe(Math.max(end - start, 2 * out.length));
  let o = 0;
  for (let i = start; i < end;) {
    const b = buf[i]!;
    if (b === AMP) {
      const len = namedEntity(buf, i, end);
      if (len > 0) {
        const cp = entityCp;
        if (cp < 0x80) out[o++] = cp;
        else o += out.write(String.fromCodePoint(cp), o, 'utf8');
        i += len;
        continue;
      }
    } else if (b === 0x0d) {
      out[o++] = 0x20;
      i += buf[i + 1] === 0x0a && i + 1 < end ? 2 : 1;
      continue;
    } else if (b === 0x0a || b === 0x09) {
      out[o++] = 0x20;
      i++;
      continue;
    }
    out[o++] = b;
    i++;
  }
  return out.toString('utf8', 0, o);
}

/** decodeAttributeBytes for a string (tests and callers that hold text). */
export function decodeAttribute(raw: string): string {
  const b = Buffer.from(raw, 'utf8');
  return decodeAttributeBytes(b, 0, b.length);
}

export class RowScanner {
  private pending: Buffer = Buffer.alloc(0);
  /** Bytes before `pending`, for offsets. */
  private consumed = 0;
  root: string | undefined;
  closed = false;

  /** Attribute names seen, by their bytes: found again without decoding them (the same strings as keys make the same object shape). */
  private readonly names = new Map<number, AttributeName[]>();
  private namesCached = 0;

  /**
   * `maxRowBytes`: a row still incomplete beyond this many bytes is an error (it is never held
   * whole). `keep`: the attributes rows hold (others are checked but not decoded); all without it.
   */
  constructor(
    private readonly maxRowBytes: number,
    private readonly keep?: ReadonlySet<string>,
  ) {}

  /** Rows completed by this chunk. */
  push(chunk: Uint8Array): Row[] {
    const rows: Row[] = [];
    let rest = asBuffer(chunk);
    if (this.pending.length > 0) {
      // the row cut by the previous chunk most often ends on this chunk's first line: join only
      // that line to it, not the whole chunk (a copy of every chunk was 4% of the reader's CPU)
      const nl = rest.indexOf(0x0a);
      const head = Buffer.concat([this.pending, nl < 0 ? rest : rest.subarray(0, nl + 1)]);
      this.pending = Buffer.alloc(0);
      this.take(head, rows);
      rest = nl < 0 ? Buffer.alloc(0) : rest.subarray(nl + 1);
      if (this.pending.length > 0 && rest.length > 0) {
        // still incomplete: the rest of the chunk must be scanned after it
        rest = Buffer.concat([this.pending, rest]);
        this.pending = Buffer.alloc(0);
      }
    }
    if (rest.length > 0) this.take(rest, rows);
    return rows;
  }

  private take(buf: Buffer, rows: Row[]): void {
    const pos = this.scan(buf, rows);
    this.consumed += pos;
    this.pending = buf.subarray(pos);
    if (this.pending.length > this.maxRowBytes) throw new XmlShapeError(`an element longer than ${this.maxRowBytes} bytes`, this.consumed);
  }

  /** Checks the input ended where it may: after the root element closed. */
  end(): void {
    for (const b of this.pending) if (!isSpace(b)) throw new XmlShapeError('the XML ends inside an element', this.consumed);
    if (this.root === undefined) throw new XmlShapeError('no XML element found', this.consumed);
    if (!this.closed) throw new XmlShapeError(`the XML ends before </${this.root}>`, this.consumed + this.pending.length);
  }

  /** Scans whole constructs from `buf`; returns where the first incomplete one starts. */
  private scan(buf: Buffer, rows: Row[]): number {
    let pos = 0;
    const n = buf.length;
    // the dumps start with a UTF-8 byte order mark
    if (this.consumed === 0 && this.root === undefined) {
      if (n < 3 && buf[0] === 0xef) return 0;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
    }
    for (;;) {
      const lt = buf.indexOf(LT, pos);
      const textEnd = lt < 0 ? n : lt;
      for (let i = pos; i < textEnd; i++) {
        if (!isSpace(buf[i])) throw new XmlShapeError(this.closed ? `content after </${this.root}>` : 'text outside a row', this.consumed + i);
      }
      if (lt < 0 || lt + 1 >= n) return lt < 0 ? n : lt;
      const next = buf[lt + 1];
      if (next === QMARK || next === BANG) {
        const close = next === QMARK ? '?>' : buf[lt + 2] === 0x2d ? '-->' : '>';
        const end = buf.indexOf(close, lt + 2);
        if (end < 0) return lt;
        pos = end + close.length;
        continue;
      }
      if (this.closed) throw new XmlShapeError(`content after </${this.root}>`, this.consumed + lt);
      if (next === SLASH) {
        const end = buf.indexOf(GT, lt);
        if (end < 0) return lt;
        const name = buf.toString('latin1', lt + 2, end).trim();
        if (name !== this.root) throw new XmlShapeError(`unexpected </${name}>`, this.consumed + lt);
        this.closed = true;
        pos = end + 1;
        continue;
      }
      let p = lt + 1;
      while (p < n && !isSpace(buf[p]) && buf[p] !== SLASH && buf[p] !== GT) p++;
      if (p >= n) return lt;
      const name = buf.toString('latin1', lt + 1, p);
      if (this.root === undefined) {
        const end = buf.indexOf(GT, p);
        if (end < 0) return lt;
        this.root = name;
        this.closed = buf[end - 1] === SLASH;
        pos = end + 1;
        continue;
      }
      if (name !== 'row') throw new XmlShapeError(`unexpected element <${name}> (only <row/> elements are expected in <${this.root}>)`, this.consumed + lt);
      const end = this.row(buf, p, lt, rows);
      if (end < 0) return lt;
      pos = end;
    }
  }

  /** Parses the attributes of a `<row` whose name ends at `p`; returns the offset after `/>`, or -1 when incomplete. */
  private row(buf: Buffer, p: number, lt: number, rows: Row[]): number {
    const attrs: Record<string, string> = {};
    const n = buf.length;
    for (;;) {
      while (p < n && isSpace(buf[p])) p++;
      if (p >= n) return -1;
      const b = buf[p];
      if (b === SLASH) {
        if (p + 1 >= n) return -1;
        if (buf[p + 1] !== GT) throw new XmlShapeError('malformed row end', this.consumed + p);
        const bytes = buf.subarray(lt, p + 2);
        rows.push({ attrs, bytes, offset: this.consumed + lt, badUtf8: !isUtf8(bytes) });
        return p + 2;
      }
      if (b === GT) throw new XmlShapeError('a <row> with content (rows are empty elements)', this.consumed + lt);
      const eq = buf.indexOf(EQ, p);
      if (eq < 0) return -1;
      const known = this.knownName(buf, p, eq);
      const name = known !== undefined ? known.name : buf.toString('latin1', p, eq).trim();
      let q = eq + 1;
      while (q < n && isSpace(buf[q])) q++;
      if (q >= n) return -1;
      const quote = buf[q];
      if (quote !== DQUOTE && quote !== SQUOTE) throw new XmlShapeError(`attribute ${name} is not quoted`, this.consumed + q);
      const close = buf.indexOf(quote, q + 1);
      if (close < 0) return -1;
      if (known === undefined) {
        if (name === '' || /[\s<>"']/.test(name)) throw new XmlShapeError(`malformed attribute name "${name.slice(0, 40)}"`, this.consumed + p);
        // only names written without spaces around them are looked up by their bytes
        const kept = this.keep === undefined || this.keep.has(name);
        if (eq - p === name.length) this.remember(buf, p, eq, name, kept);
        if (kept) attrs[name] = decodeAttributeBytes(buf, q + 1, close);
      } else if (known.kept) attrs[name] = decodeAttributeBytes(buf, q + 1, close);
      p = close + 1;
    }
  }

  private static nameKey(buf: Buffer, p: number, eq: number): number {
    return ((eq - p) << 16) | (buf[p]! << 8) | buf[eq - 1]!;
  }

  /** The valid attribute name whose bytes are exactly `buf[p, eq)`, if seen before. */
  private knownName(buf: Buffer, p: number, eq: number): AttributeName | undefined {
    const len = eq - p;
    if (len <= 0 || len > MAX_NAME) return undefined;
    const list = this.names.get(RowScanner.nameKey(buf, p, eq));
    if (list === undefined) return undefined;
    outer: for (const e of list) {
      const b = e.bytes;
      for (let i = 1; i < len - 1; i++) if (b[i] !== buf[p + i]) continue outer;
      return e;
    }
    return undefined;
  }

  private remember(buf: Buffer, p: number, eq: number, name: string, kept: boolean): void {
    if (eq - p > MAX_NAME || this.namesCached >= MAX_NAMES) return;
    const key = RowScanner.nameKey(buf, p, eq);
    let list = this.names.get(key);
    if (list === undefined) this.names.set(key, (list = []));
    list.push({ bytes: Buffer.from(buf.subarray(p, eq)), name, kept });
    this.namesCached++;
  }
}

interface AttributeName {
  bytes: Buffer;
  name: string;
  kept: boolean;
}

/** Attribute names looked up by their bytes: a table's columns (Posts.xml has about 22). */
const MAX_NAMES = 256;
const MAX_NAME = 64;

/** Every attribute of one whole row (`Row.bytes`), as a scanner without a `keep` set gives them: for rejects, which show the row. */
export function rowAttributes(bytes: Buffer): Record<string, string> {
  const scanner = new RowScanner(bytes.length + 1);
  // scanned as a row inside the root element
  scanner.root = 'posts';
  const rows = scanner.push(bytes);
  return rows[0]?.attrs ?? {};
}
