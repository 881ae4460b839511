/**
 * What kind of value `value` is, phrased for a message after "is": `null`, `an array`,
 * `an object`, `a number`, `missing` (undefined). `typeof` alone says "object" for null and
 * arrays, and a fixed "a" reads "a object".
 */
export function describeType(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  // Parquet BYTE_ARRAY columns without a UTF-8 annotation arrive as bytes, not text
  if (value instanceof Uint8Array) return 'binary';
  if (value instanceof Date) return 'a date';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}
