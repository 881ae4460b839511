import { ByteBuffer } from './byte-buffer.js';

/**
 * Encoder for the Thrift compact protocol, the serialisation Parquet uses for page headers
 * and the file footer. Only what this writer's structs need: structs, lists, i16/i32/i64
 * and binary. Field ids must be written in increasing order within a struct, which
 * lets most field headers fit in one byte (delta encoding).
 */

/** Compact-protocol type ids (not the same numbering as the binary protocol). */
export enum CType {
  Stop = 0,
  BoolTrue = 1,
  BoolFalse = 2,
  Byte = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
}

export class CompactWriter {
  readonly out: ByteBuffer;
  /** Last field id of each open struct; the top is the current struct. */
  private lastIds: number[] = [];

  constructor(out: ByteBuffer = new ByteBuffer(4096)) {
    this.out = out;
  }

  private fieldHeader(id: number, type: CType): void {
    const last = this.lastIds[this.lastIds.length - 1] ?? 0;
    const delta = id - last;
    if (delta > 0 && delta <= 15) {
      this.out.byte((delta << 4) | type);
    } else {
      this.out.byte(type);
      this.writeZigzag(id);
    }
    this.lastIds[this.lastIds.length - 1] = id;
  }

  /** Zigzag + varint for integers with |v| < 2^52 (covers every offset and count we write). */
  private writeZigzag(v: number): void {
    this.out.uvarint(v >= 0 ? v * 2 : -v * 2 - 1);
  }

  i32(id: number, v: number): void {
    this.fieldHeader(id, CType.I32);
    this.writeZigzag(v);
  }

  i16(id: number, v: number): void {
    this.fieldHeader(id, CType.I16);
    this.writeZigzag(v);
  }

  i64(id: number, v: number): void {
    if (!Number.isSafeInteger(v)) throw new RangeError(`thrift i64 field ${id}: ${v} is not a safe integer`);
    this.fieldHeader(id, CType.I64);
    this.writeZigzag(v);
  }

  /** Booleans carry their value in the field header's type nibble. */
  bool(id: number, v: boolean): void {
    this.fieldHeader(id, v ? CType.BoolTrue : CType.BoolFalse);
  }

  binary(id: number, v: Uint8Array): void {
    this.fieldHeader(id, CType.Binary);
    this.out.uvarint(v.length);
    this.out.bytes(v);
  }

  string(id: number, v: string): void {
    this.binary(id, Buffer.from(v, 'utf8'));
  }

  /** Opens a struct-typed field; close it with structEnd(). */
  structBegin(id: number): void {
    this.fieldHeader(id, CType.Struct);
    this.lastIds.push(0);
  }

  /** Starts a struct that is a list element or the top-level message (no field header). */
  structBeginBare(): void {
    this.lastIds.push(0);
  }

  structEnd(): void {
    this.out.byte(CType.Stop);
    this.lastIds.pop();
  }

  /** Opens a list field; the caller then writes `size` elements of `elemType`. */
  listBegin(id: number, elemType: CType, size: number): void {
    this.fieldHeader(id, CType.List);
    if (size < 15) {
      this.out.byte((size << 4) | elemType);
    } else {
      this.out.byte(0xf0 | elemType);
      this.out.uvarint(size);
    }
  }

  /** List element writers (no field header). */
  elemI32(v: number): void {
    this.writeZigzag(v);
  }

  elemString(v: string): void {
    const b = Buffer.from(v, 'utf8');
    this.out.uvarint(b.length);
    this.out.bytes(b);
  }
}
