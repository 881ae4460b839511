import { finishFlatbuffer, type FbTable } from './flatbuffer.js';
import type { ColumnSpec } from './schema.js';

/**
 * The `ARROW:schema` key-value entry: an Arrow IPC schema message, base64, as pyarrow writes
 * it. Arrow-based readers (pyarrow, Polars, HF datasets, arrow-rs) take types and nullability
 * from it: list elements named `element` and required, strings as utf8 (not large_utf8),
 * structs with their nullable fields. Built with a small FlatBuffers serialiser (Schema.fbs,
 * Message.fbs field slots) instead of the 12 MB apache-arrow package at run time.
 */

/** Type union members of Schema.fbs. */
const enum ArrowType {
  Int = 2,
  FloatingPoint = 3,
  Utf8 = 5,
  Bool = 6,
  List = 12,
  Struct = 13,
}

const EMPTY: FbTable = { scalars: [], refs: [] };

function typeOf(spec: ColumnSpec): { type: ArrowType; table: FbTable; children: ColumnSpec[] } {
  switch (spec.type) {
    case 'utf8':
      return { type: ArrowType.Utf8, table: EMPTY, children: [] };
    case 'bool':
      return { type: ArrowType.Bool, table: EMPTY, children: [] };
    case 'int32':
    case 'int64': {
      // Int { bitWidth: int, is_signed: bool }
      const width = spec.type === 'int32' ? 32 : 64;
      const table = { scalars: [{ slot: 0, size: 4, value: width } as const, { slot: 1, size: 1, value: 1 } as const], refs: [] };
      return { type: ArrowType.Int, table, children: [] };
    }
    case 'float64':
      // FloatingPoint { precision: short }, DOUBLE = 2
      return { type: ArrowType.FloatingPoint, table: { scalars: [{ slot: 0, size: 2, value: 2 }], refs: [] }, children: [] };
    case 'list<int32>':
      return { type: ArrowType.List, table: EMPTY, children: [{ name: 'element', type: 'int32' }] };
    case 'struct':
      return { type: ArrowType.Struct, table: EMPTY, children: spec.fields ?? [] };
  }
}

/** Field { name, nullable, type_type, type, dictionary, children, custom_metadata }. */
function field(spec: ColumnSpec): FbTable {
  const { type, table, children } = typeOf(spec);
  return {
    scalars: [
      { slot: 1, size: 1, value: spec.nullable === true ? 1 : 0 },
      { slot: 2, size: 1, value: type },
    ],
    // Arrow C++ rejects a field without a children vector, even an empty one
    refs: [
      { slot: 0, to: spec.name },
      { slot: 3, to: table },
      { slot: 5, to: children.map(field) },
    ],
  };
}

/** The encapsulated IPC message: continuation marker, metadata length, the flatbuffer (8-aligned). */
export function arrowSchemaMessage(columns: ColumnSpec[]): Buffer {
  // Schema { endianness: short = Little, fields: [Field] }
  const schema: FbTable = { scalars: [{ slot: 0, size: 2, value: 0 }], refs: [{ slot: 1, to: columns.map(field) }] };
  // Message { version: short = V5, header_type: ubyte = Schema, header, bodyLength: long }
  const message: FbTable = {
    scalars: [
      { slot: 0, size: 2, value: 4 },
      { slot: 1, size: 1, value: 1 },
      { slot: 3, size: 8, value: 0n },
    ],
    refs: [{ slot: 2, to: schema }],
  };
  const fb = finishFlatbuffer(message);
  const prefix = Buffer.alloc(8);
  prefix.writeUInt32LE(0xffffffff, 0);
  prefix.writeInt32LE(fb.length, 4);
  return Buffer.concat([prefix, fb]);
}

export function arrowSchemaBase64(columns: ColumnSpec[]): string {
  return arrowSchemaMessage(columns).toString('base64');
}
