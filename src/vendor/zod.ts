/**
 * zod, as every module of sluice imports it. Node 20's ESM loader pays per file, and zod 4 is 95
 * of them: importing the package cost 165-185 ms of CPU against 70-90 ms for the same code as
 * one file (one-off, 3 runs each), about a quarter of what a worker process spends before its
 * first task. So the build replaces dist/vendor/zod.js, which tsc emits from this re-export, by
 * that one file (.config/bundle-vendor.mjs); the sources and tests run against the package as
 * installed. Plugins get this same zod as `z` from 'sluice'.
 */
export * from 'zod';
