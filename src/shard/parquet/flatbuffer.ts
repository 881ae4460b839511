/**
 * A minimal FlatBuffers serialiser for small, fixed messages (the Arrow IPC schema in the
 * footer): tables of scalars, strings, sub-tables and vectors of tables. Objects are laid out
 * front to back (vtable, table, then the children it references), which keeps every uoffset
 * positive as the format requires; scalars are aligned to their size from the buffer start,
 * which is what verifying readers (Arrow C++) check.
 */

export interface FbScalar {
  slot: number;
  size: 1 | 2 | 4 | 8;
  value: number | bigint;
}

export interface FbTable {
  scalars: FbScalar[];
  /** Offsets to a string, a sub-table or a vector of tables. */
  refs: { slot: number; to: string | FbTable | FbTable[] }[];
}

class Out {
  buf = Buffer.alloc(1024);
  length = 0;

  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  align(n: number): void {
    const pad = (n - (this.length % n)) % n;
    this.reserve(pad);
    this.length += pad; // the buffer is zero-filled
  }

  skip(n: number): number {
    this.reserve(n);
    const at = this.length;
    this.length += n;
    return at;
  }
}

function writeScalar(out: Out, at: number, s: FbScalar): void {
  const b = out.buf;
  if (s.size === 8) b.writeBigInt64LE(BigInt(s.value), at);
  else if (s.size === 4) b.writeInt32LE(Number(s.value), at);
  else if (s.size === 2) b.writeInt16LE(Number(s.value), at);
  else b.writeUInt8(Number(s.value), at);
}

/** uoffset at `at` pointing forward to `target`. */
function patch(out: Out, at: number, target: number): void {
  out.buf.writeUInt32LE(target - at, at);
}

function writeString(out: Out, s: string): number {
  const bytes = Buffer.from(s, 'utf8');
  out.align(4);
  const at = out.skip(4 + bytes.length + 1);
  out.buf.writeUInt32LE(bytes.length, at);
  bytes.copy(out.buf, at + 4);
  out.buf[at + 4 + bytes.length] = 0;
  return at;
}

function writeVector(out: Out, tables: FbTable[]): number {
  out.align(4);
  const at = out.skip(4 + 4 * tables.length);
  out.buf.writeUInt32LE(tables.length, at);
  tables.forEach((t, i) => patch(out, at + 4 + 4 * i, writeTable(out, t)));
  return at;
}

function writeTable(out: Out, t: FbTable): number {
  const slots = Math.max(-1, ...t.scalars.map((s) => s.slot), ...t.refs.map((r) => r.slot)) + 1;
  // inline layout: the soffset, then fields widest first so padding is needed at most once
  const fields = [...t.scalars.map((s) => ({ slot: s.slot, size: s.size, scalar: s })), ...t.refs.map((r) => ({ slot: r.slot, size: 4 as const, scalar: undefined }))];
  fields.sort((a, b) => b.size - a.size);
  const fieldAt = new Map<number, number>();
  let cursor = 4;
  for (const f of fields) {
    cursor = Math.ceil(cursor / f.size) * f.size;
    fieldAt.set(f.slot, cursor);
    cursor += f.size;
  }
  const inlineSize = cursor;
  out.align(2);
  const vtable = out.skip(4 + 2 * slots);
  out.buf.writeUInt16LE(4 + 2 * slots, vtable);
  out.buf.writeUInt16LE(inlineSize, vtable + 2);
  for (let s = 0; s < slots; s++) out.buf.writeUInt16LE(fieldAt.get(s) ?? 0, vtable + 4 + 2 * s);
  // table start 8-aligned, so field offsets that are multiples of 8 are 8-aligned in the buffer
  out.align(8);
  const table = out.skip(inlineSize);
  out.buf.writeInt32LE(table - vtable, table);
  for (const s of t.scalars) writeScalar(out, table + (fieldAt.get(s.slot) ?? 0), s);
  for (const r of t.refs) {
    const at = table + (fieldAt.get(r.slot) ?? 0);
    const target = typeof r.to === 'string' ? writeString(out, r.to) : Array.isArray(r.to) ? writeVector(out, r.to) : writeTable(out, r.to);
    patch(out, at, target);
  }
  return table;
}

/** The finished buffer: root uoffset, then the root table and everything it references, padded to 8. */
export function finishFlatbuffer(root: FbTable): Buffer {
  const out = new Out();
  const rootAt = out.skip(4);
  patch(out, rootAt, writeTable(out, root));
  out.align(8);
  return out.buf.subarray(0, out.length);
}
