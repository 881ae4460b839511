import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    globalSetup: ['tests/setup/build.ts'],
    pool: 'forks',
    // the encoder's table cache (src/tokenize/table-cache.ts), shared by the tests and the CLIs they start, not the user's
    env: { SLUICE_CACHE_DIR: join(tmpdir(), 'sluice-test-table-cache') },
  },
});
