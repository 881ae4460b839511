import type { JsonValue, Meta } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import type { ColumnSpec, ScalarValues } from './parquet/index.js';

/**
 * `output.meta: struct`: the meta column as a Parquet struct of typed fields instead of JSON
 * text. Stages and readers do not declare their meta keys, so the fields are inferred from
 * the documents of a shard's first row group (as datatrove's `expand_metadata` infers them
 * from the first document, but over more documents). A later row group with a key or a type
 * the shard's struct cannot hold starts a new shard whose struct is the union of both, so no
 * value is dropped or coerced; the struct therefore differs between shards when the meta keys
 * change during a run.
 *
 * Field types: boolean -> bool, safe integers -> int64, other numbers -> float64, strings ->
 * utf8; objects, arrays, or a key whose values mix types (other than integers with floats)
 * -> `json`, a utf8 field holding each value as JSON text. A key seen only with null values is
 * `null`, written as a utf8 field of nulls. Every field is nullable: a document without the
 * key has null there.
 */

export type MetaFieldType = 'null' | 'bool' | 'int64' | 'float64' | 'utf8' | 'json';

/** Key -> type, in order of first appearance. */
export type MetaSchema = Map<string, MetaFieldType>;

function typeOfValue(v: JsonValue): MetaFieldType {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isSafeInteger(v) ? 'int64' : 'float64';
    case 'string':
      return 'utf8';
    default:
      return 'json';
  }
}

function mergeType(a: MetaFieldType, b: MetaFieldType): MetaFieldType {
  if (a === b || b === 'null') return a;
  if (a === 'null') return b;
  if ((a === 'int64' && b === 'float64') || (a === 'float64' && b === 'int64')) return 'float64';
  return 'json';
}

export function inferMetaSchema(metas: readonly Meta[]): MetaSchema {
  const schema: MetaSchema = new Map();
  for (const meta of metas) {
    for (const key in meta) {
      if (key === '') {
        throw new SluiceError('SLUICE_SHARD_INVALID', 'a document has an empty meta key, which a Parquet struct field cannot be named', {
          hint: 'use output.meta: json (the default)',
        });
      }
      const t = typeOfValue(meta[key] ?? null);
      const had = schema.get(key);
      schema.set(key, had === undefined ? t : mergeType(had, t));
    }
  }
  return schema;
}

/** The union of two schemas, `a`'s keys first. */
export function mergeMetaSchemas(a: MetaSchema, b: MetaSchema): MetaSchema {
  const out: MetaSchema = new Map(a);
  for (const [k, t] of b) out.set(k, mergeType(out.get(k) ?? 'null', t));
  return out;
}

/** Whether a shard whose struct is `shard` can hold a row group whose meta infers as `batch`. */
export function metaSchemaCovers(shard: MetaSchema, batch: MetaSchema): boolean {
  for (const [k, t] of batch) {
    const have = shard.get(k);
    if (have === undefined || mergeType(have, t) !== have) return false;
  }
  return true;
}

const COLUMN_TYPE = { null: 'utf8', bool: 'bool', int64: 'int64', float64: 'float64', utf8: 'utf8', json: 'utf8' } as const;

/** The `meta` struct column's spec; undefined when no document has a key (a struct needs a field). */
export function metaStructSpec(schema: MetaSchema): ColumnSpec | undefined {
  if (schema.size === 0) return undefined;
  const fields: ColumnSpec[] = [...schema].map(([name, t]) => ({ name, type: COLUMN_TYPE[t], nullable: true }));
  return { name: 'meta', type: 'struct', fields };
}

/** The struct's field values for a row group, typed as the schema says. */
export function metaStructValues(schema: MetaSchema, metas: readonly Meta[]): Record<string, ScalarValues> {
  const out: Record<string, ScalarValues> = {};
  for (const [key, t] of schema) {
    const column = new Array<JsonValue>(metas.length);
    for (let i = 0; i < metas.length; i++) {
      const m = metas[i];
      const v = m !== undefined && Object.hasOwn(m, key) ? (m[key] ?? null) : null;
      column[i] = v === null ? null : t === 'json' ? JSON.stringify(v) : v;
    }
    out[key] = column as ScalarValues;
  }
  return out;
}
