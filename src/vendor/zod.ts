/**
 * zod, as every module of sluice imports it. Node 20's ESM loader pays per file, and zod 4 is 95
 * of them: the e2e bench's `start-up: import zod` rows give 0.13 s of CPU as installed against
 * 0.08 s for the same code as one file (10 MB run), next to 0.59 s for a whole worker of the
 * full chain to be ready. So the build replaces dist/vendor/zod.js, which tsc emits from this re-export, by
 * that one file (.config/bundle-vendor.mjs); the sources and tests run against the package as
 * installed. Plugins get this same zod as `z` from 'sluice'.
 */
export * from 'zod';
