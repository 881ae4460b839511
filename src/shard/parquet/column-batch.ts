import { SluiceError } from '../../core/errors.js';
import type { ColumnSpec } from './schema.js';

/** list<int32> in Arrow's layout: row i is values[offsets[i] .. offsets[i+1]). */
export interface ListInt32 {
  values: Int32Array;
  offsets: Int32Array;
}

/**
 * A utf8 column already encoded, Arrow's layout: row i is the UTF-8 bytes[offsets[i] ..
 * offsets[i+1]). No nulls. A writer that holds many large strings until a row group is full (the
 * shard writer's `text`) keeps bytes instead, so the strings die young instead of being copied
 * through the young generation into the old one.
 */
export interface Utf8Bytes {
  bytes: Uint8Array;
  offsets: Int32Array;
}

/** A struct column's values: one array per field, each as long as the row group. */
export interface StructValues {
  fields: Readonly<Record<string, ScalarValues>>;
}

export type ScalarValues = readonly (string | null)[] | Int32Array | BigInt64Array | Float64Array | readonly (number | null)[] | readonly (bigint | null)[] | readonly (boolean | null)[];

export type ColumnValues = ScalarValues | ListInt32 | StructValues | Utf8Bytes;

/** Column name -> values for one row group. Every column of the schema must be present. */
export type ColumnBatch = Readonly<Record<string, ColumnValues>>;

/** A column's values after validation, in the form the page encoder consumes. */
export type ColumnData =
  | { kind: 'utf8'; rows: number; values: readonly (string | null)[]; nullCount: number }
  | { kind: 'utf8-bytes'; rows: number; bytes: Uint8Array; offsets: Int32Array }
  | { kind: 'int32'; rows: number; values: Int32Array; nulls: Uint8Array | null; nullCount: number }
  | { kind: 'int64'; rows: number; values: BigInt64Array; nulls: Uint8Array | null; nullCount: number }
  | { kind: 'float64'; rows: number; values: Float64Array; nulls: Uint8Array | null; nullCount: number }
  | { kind: 'bool'; rows: number; values: Uint8Array; nulls: Uint8Array | null; nullCount: number }
  | { kind: 'list'; rows: number; values: Int32Array; offsets: Int32Array };

function invalid(column: string, message: string): SluiceError {
  return new SluiceError('SLUICE_SHARD_INVALID', `column ${column}: ${message}`);
}

function isList(v: ColumnValues): v is ListInt32 {
  return !Array.isArray(v) && !ArrayBuffer.isView(v) && 'offsets' in v && 'values' in v;
}

function isUtf8Bytes(v: ColumnValues): v is Utf8Bytes {
  return !Array.isArray(v) && !ArrayBuffer.isView(v) && 'offsets' in v && 'bytes' in v;
}

/** The values of one leaf: a struct leaf's come from its parent column's field. */
export function leafValues(batch: ColumnBatch, spec: ColumnSpec, parent: string | undefined): ColumnValues | undefined {
  if (parent === undefined) return batch[spec.name];
  const v = batch[parent];
  if (v === undefined || Array.isArray(v) || ArrayBuffer.isView(v) || !('fields' in v)) {
    throw invalid(parent, 'struct columns take { fields: { name: values } }');
  }
  return v.fields[spec.name];
}

/** Marks row `i` null in the mask (made on the first null), refusing a null in a column that is not nullable. */
function markNull(spec: ColumnSpec, nulls: Uint8Array | null, i: number, rows: number): Uint8Array {
  if (spec.nullable !== true) throw invalid(spec.name, `row ${i} is null but the column is not nullable`);
  const mask = nulls ?? new Uint8Array(rows);
  mask[i] = 1;
  return mask;
}

/** float64 and bool values with their null mask. */
function floatsOrBools(spec: ColumnSpec, arr: readonly unknown[]): ColumnData {
  const isBool = spec.type === 'bool';
  const values = isBool ? new Uint8Array(arr.length) : new Float64Array(arr.length);
  let nulls: Uint8Array | null = null;
  let nullCount = 0;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v === null || v === undefined) {
      nulls = markNull(spec, nulls, i, arr.length);
      nullCount++;
    } else if (isBool) {
      if (typeof v !== 'boolean') throw invalid(spec.name, `row ${i}: ${typeof v} is not a boolean`);
      values[i] = v ? 1 : 0;
    } else {
      if (typeof v !== 'number') throw invalid(spec.name, `row ${i}: ${typeof v} is not a number`);
      values[i] = v;
    }
  }
  return values instanceof Float64Array ? { kind: 'float64', rows: arr.length, values, nulls, nullCount } : { kind: 'bool', rows: arr.length, values, nulls, nullCount };
}

function numbersToTyped(spec: ColumnSpec, arr: readonly (number | bigint | null)[]): { values: Int32Array | BigInt64Array; nulls: Uint8Array | null; nullCount: number } {
  const is32 = spec.type === 'int32';
  const values = is32 ? new Int32Array(arr.length) : new BigInt64Array(arr.length);
  let nulls: Uint8Array | null = null;
  let nullCount = 0;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    if (v === null || v === undefined) {
      nulls = markNull(spec, nulls, i, arr.length);
      nullCount++;
    } else if (is32) {
      if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) {
        throw invalid(spec.name, `row ${i}: ${String(v)} is not an int32`);
      }
      (values as Int32Array)[i] = v;
    } else if (typeof v === 'bigint') {
      if (BigInt.asIntN(64, v) !== v) throw invalid(spec.name, `row ${i}: ${v} is not an int64`);
      (values as BigInt64Array)[i] = v;
    } else {
      if (!Number.isSafeInteger(v)) throw invalid(spec.name, `row ${i}: ${v} is not a safe integer`);
      (values as BigInt64Array)[i] = BigInt(v);
    }
  }
  return { values, nulls, nullCount };
}

/** Validates one column's values against its spec. */
export function toColumnData(spec: ColumnSpec, v: ColumnValues | undefined): ColumnData {
  if (v === undefined) throw invalid(spec.name, 'missing from the batch');
  switch (spec.type) {
    case 'utf8': {
      if (isUtf8Bytes(v)) {
        const { bytes, offsets } = v;
        const rows = offsets.length - 1;
        if (rows < 0 || offsets[0] !== 0 || offsets[rows]! > bytes.length) throw invalid(spec.name, 'utf8 bytes need offsets from 0 to at most bytes.length, one more than the rows');
        for (let i = 0; i < rows; i++) if (offsets[i + 1]! < offsets[i]!) throw invalid(spec.name, `offsets decrease at row ${i}`);
        return { kind: 'utf8-bytes', rows, bytes, offsets };
      }
      if (!Array.isArray(v)) throw invalid(spec.name, 'utf8 columns take an array of strings or { bytes, offsets }');
      const arr = v as readonly unknown[];
      let nullCount = 0;
      for (let i = 0; i < arr.length; i++) {
        const s = arr[i];
        if (typeof s === 'string') continue;
        if (s === null && spec.nullable === true) nullCount++;
        else throw invalid(spec.name, `row ${i} is ${s === null ? 'null but the column is not nullable' : typeof s}`);
      }
      return { kind: 'utf8', rows: arr.length, values: v as readonly (string | null)[], nullCount };
    }
    case 'int32':
      if (v instanceof Int32Array) return { kind: 'int32', rows: v.length, values: v, nulls: null, nullCount: 0 };
      if (!Array.isArray(v)) throw invalid(spec.name, 'int32 columns take an Int32Array or number[]');
      {
        const t = numbersToTyped(spec, v as readonly (number | null)[]);
        return { kind: 'int32', rows: v.length, values: t.values as Int32Array, nulls: t.nulls, nullCount: t.nullCount };
      }
    case 'int64':
      if (v instanceof BigInt64Array) return { kind: 'int64', rows: v.length, values: v, nulls: null, nullCount: 0 };
      if (!Array.isArray(v)) throw invalid(spec.name, 'int64 columns take a BigInt64Array, number[] or bigint[]');
      {
        const t = numbersToTyped(spec, v as readonly (number | bigint | null)[]);
        return { kind: 'int64', rows: v.length, values: t.values as BigInt64Array, nulls: t.nulls, nullCount: t.nullCount };
      }
    case 'float64':
      if (v instanceof Float64Array) return { kind: 'float64', rows: v.length, values: v, nulls: null, nullCount: 0 };
      if (!Array.isArray(v)) throw invalid(spec.name, 'float64 columns take a Float64Array or number[]');
      return floatsOrBools(spec, v as readonly unknown[]);
    case 'bool':
      if (!Array.isArray(v)) throw invalid(spec.name, 'bool columns take a boolean[]');
      return floatsOrBools(spec, v as readonly unknown[]);
    case 'struct':
      throw invalid(spec.name, 'a struct is written through its fields');
    case 'list<int32>': {
      if (!isList(v) || !(v.values instanceof Int32Array) || !(v.offsets instanceof Int32Array)) {
        throw invalid(spec.name, 'list<int32> columns take { values: Int32Array, offsets: Int32Array }');
      }
      const { values, offsets } = v;
      if (offsets.length === 0) throw invalid(spec.name, 'offsets must hold rows + 1 entries');
      let prev = offsets[0] ?? 0;
      if (prev < 0) throw invalid(spec.name, 'offsets[0] is negative');
      for (let i = 1; i < offsets.length; i++) {
        const o = offsets[i] ?? 0;
        if (o < prev) throw invalid(spec.name, `offsets decrease at row ${i - 1}`);
        prev = o;
      }
      if (prev > values.length) throw invalid(spec.name, `offsets end at ${prev} beyond ${values.length} values`);
      return { kind: 'list', rows: offsets.length - 1, values, offsets };
    }
  }
}
