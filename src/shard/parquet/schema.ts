import { SluiceError } from '../../core/errors.js';
import { ConvertedType, PhysicalType, Repetition, type SchemaElement } from './metadata.js';

export type ScalarType = 'utf8' | 'int32' | 'int64' | 'float64' | 'bool';
export type ColumnType = ScalarType | 'list<int32>' | 'struct';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /**
   * Scalars: values may be null. list<int32>: the list field is OPTIONAL in the schema (as
   * most writers emit it); rows are never null, an absent list is written empty. Structs are
   * always REQUIRED; their fields may be nullable.
   */
  nullable?: boolean;
  /** struct: its fields, scalars only. */
  fields?: ColumnSpec[];
  /** utf8: try dictionary encoding (default true); off for columns known to be all distinct and large. */
  dictionary?: boolean;
  /** utf8: write min/max statistics (default true); off where no query would prune on them. */
  minMax?: boolean;
}

/** One leaf column of the Parquet schema with the level bounds its pages need. */
export interface LeafColumn {
  /** The leaf's own spec (a struct's field for struct leaves). */
  spec: ColumnSpec;
  /** The top-level column a struct leaf belongs to. */
  parent?: string;
  physicalType: PhysicalType;
  path: string[];
  maxDef: number;
  maxRep: number;
}

export interface ParquetSchema {
  columns: ColumnSpec[];
  elements: SchemaElement[];
  leaves: LeafColumn[];
}

const PHYSICAL: Record<ScalarType, PhysicalType> = {
  utf8: PhysicalType.BYTE_ARRAY,
  int32: PhysicalType.INT32,
  int64: PhysicalType.INT64,
  float64: PhysicalType.DOUBLE,
  bool: PhysicalType.BOOLEAN,
};

function invalid(message: string): SluiceError {
  return new SluiceError('SLUICE_SHARD_INVALID', message);
}

function checkNames(specs: ColumnSpec[], where: string): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    if (spec.name === '' || seen.has(spec.name)) throw invalid(`${where}name ${JSON.stringify(spec.name)} is empty or repeated`);
    seen.add(spec.name);
  }
}

function scalarElement(spec: ColumnSpec & { type: ScalarType }, repetition: Repetition): SchemaElement {
  const el: SchemaElement = { name: spec.name, type: PHYSICAL[spec.type], repetition };
  if (spec.type === 'utf8') {
    el.convertedType = ConvertedType.UTF8;
    el.logicalType = 'STRING';
  }
  return el;
}

function isScalar(spec: ColumnSpec): spec is ColumnSpec & { type: ScalarType } {
  return spec.type in PHYSICAL;
}

/**
 * Flattens column specs into the depth-first SchemaElement list of the footer. Lists use
 * the standard three-level form (`name` LIST / `list` REPEATED / `element`) that Arrow,
 * DuckDB and Spark all read as list<int32>; structs are a REQUIRED group of scalar fields.
 */
export function buildSchema(columns: ColumnSpec[]): ParquetSchema {
  if (columns.length === 0) throw invalid('a Parquet file needs at least one column');
  checkNames(columns, 'column ');
  const elements: SchemaElement[] = [{ name: 'schema', numChildren: columns.length }];
  const leaves: LeafColumn[] = [];
  for (const spec of columns) {
    const optional = spec.nullable === true;
    const repetition = optional ? Repetition.OPTIONAL : Repetition.REQUIRED;
    const def = optional ? 1 : 0;
    if (isScalar(spec)) {
      elements.push(scalarElement(spec, repetition));
      leaves.push({ spec, physicalType: PHYSICAL[spec.type], path: [spec.name], maxDef: def, maxRep: 0 });
      continue;
    }
    switch (spec.type) {
      case 'list<int32>':
        elements.push(
          { name: spec.name, repetition, numChildren: 1, convertedType: ConvertedType.LIST, logicalType: 'LIST' },
          { name: 'list', repetition: Repetition.REPEATED, numChildren: 1 },
          { name: 'element', type: PhysicalType.INT32, repetition: Repetition.REQUIRED },
        );
        // +1 for the repeated level; the element itself is required
        leaves.push({ spec, physicalType: PhysicalType.INT32, path: [spec.name, 'list', 'element'], maxDef: def + 1, maxRep: 1 });
        break;
      case 'struct': {
        const fields = spec.fields ?? [];
        if (fields.length === 0) throw invalid(`column ${spec.name}: a struct needs at least one field`);
        if (optional) throw invalid(`column ${spec.name}: struct columns are required (their fields may be nullable)`);
        checkNames(fields, `column ${spec.name}: field `);
        elements.push({ name: spec.name, repetition: Repetition.REQUIRED, numChildren: fields.length });
        for (const f of fields) {
          if (!isScalar(f)) throw invalid(`column ${spec.name}: field ${f.name} is ${f.type}; struct fields are scalars`);
          const fieldDef = f.nullable === true ? 1 : 0;
          elements.push(scalarElement(f, fieldDef === 1 ? Repetition.OPTIONAL : Repetition.REQUIRED));
          leaves.push({ spec: f, parent: spec.name, physicalType: PHYSICAL[f.type], path: [spec.name, f.name], maxDef: fieldDef, maxRep: 0 });
        }
        break;
      }
      default:
        throw invalid(`column ${spec.name}: unknown type ${String(spec.type)}`);
    }
  }
  return { columns, elements, leaves };
}
