import { readFileSync } from 'node:fs';

/**
 * sluice's version, from the package.json two levels up (src/shard/parquet in a checkout,
 * dist/shard/parquet when installed), read once at load for the footer's created_by.
 */
function readVersion(): string {
  try {
    const pkg: unknown = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8'));
    const v = pkg !== null && typeof pkg === 'object' && 'version' in pkg ? pkg.version : undefined;
    return typeof v === 'string' ? v : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const SLUICE_VERSION = readVersion();
