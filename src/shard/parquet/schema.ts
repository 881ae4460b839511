import { SluiceError } from '../../core/errors.js';
import { ConvertedType, PhysicalType, Repetition, type SchemaElement } from './metadata.js';

export type ColumnType = 'utf8' | 'int32' | 'int64' | 'list<int32>';

export interface ColumnSpec {
  name: string;
  type: ColumnType;
  /**
   * utf8/int32/int64: values may be null. list<int32>: the list field is OPTIONAL in the
   * schema (as most writers emit it); rows are never null, an absent list is written empty.
   */
  nullable?: boolean;
}

/** One leaf column of the Parquet schema with the level bounds its pages need. */
export interface LeafColumn {
  spec: ColumnSpec;
  physicalType: PhysicalType;
  path: string[];
  maxDef: number;
  maxRep: number;
}

export interface ParquetSchema {
  elements: SchemaElement[];
  leaves: LeafColumn[];
}

/**
 * Flattens column specs into the depth-first SchemaElement list of the footer. Lists use
 * the standard three-level form (`name` LIST / `list` REPEATED / `element`) that Arrow,
 * DuckDB and Spark all read as list<int32>.
 */
export function buildSchema(columns: ColumnSpec[]): ParquetSchema {
  if (columns.length === 0) {
    throw new SluiceError('SLUICE_SHARD_INVALID', 'a Parquet file needs at least one column');
  }
  const seen = new Set<string>();
  const elements: SchemaElement[] = [{ name: 'schema', numChildren: columns.length }];
  const leaves: LeafColumn[] = [];
  for (const spec of columns) {
    if (spec.name === '' || seen.has(spec.name)) {
      throw new SluiceError('SLUICE_SHARD_INVALID', `column name ${JSON.stringify(spec.name)} is empty or repeated`);
    }
    seen.add(spec.name);
    const optional = spec.nullable === true;
    const repetition = optional ? Repetition.OPTIONAL : Repetition.REQUIRED;
    const def = optional ? 1 : 0;
    switch (spec.type) {
      case 'utf8':
        elements.push({
          name: spec.name,
          type: PhysicalType.BYTE_ARRAY,
          repetition,
          convertedType: ConvertedType.UTF8,
          logicalType: 'STRING',
        });
        leaves.push({ spec, physicalType: PhysicalType.BYTE_ARRAY, path: [spec.name], maxDef: def, maxRep: 0 });
        break;
      case 'int32':
      case 'int64': {
        const physicalType = spec.type === 'int32' ? PhysicalType.INT32 : PhysicalType.INT64;
        elements.push({ name: spec.name, type: physicalType, repetition });
        leaves.push({ spec, physicalType, path: [spec.name], maxDef: def, maxRep: 0 });
        break;
      }
      case 'list<int32>':
        elements.push(
          { name: spec.name, repetition, numChildren: 1, convertedType: ConvertedType.LIST, logicalType: 'LIST' },
          { name: 'list', repetition: Repetition.REPEATED, numChildren: 1 },
          { name: 'element', type: PhysicalType.INT32, repetition: Repetition.REQUIRED },
        );
        // +1 for the repeated level; the element itself is required
        leaves.push({
          spec,
          physicalType: PhysicalType.INT32,
          path: [spec.name, 'list', 'element'],
          maxDef: def + 1,
          maxRep: 1,
        });
        break;
      default:
        throw new SluiceError('SLUICE_SHARD_INVALID', `column ${spec.name}: unknown type ${String(spec.type)}`);
    }
  }
  return { elements, leaves };
}
