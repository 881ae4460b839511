/**
 * An amount (bytes, or characters) as kB, MB or GB: a small run's "0.0 MB" would read as nothing
 * moved. Apart from size.ts, which loads zod: `sluice stats` prints amounts and needs no schema.
 */
export function decimalAmount(n: number): string {
  return n >= 1e9 ? `${(n / 1e9).toFixed(2)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`;
}
