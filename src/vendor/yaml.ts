/**
 * yaml, as sluice imports it (the pipeline file's parser): like zod (zod.ts), the build replaces
 * dist/vendor/yaml.js by the package bundled into one file (80-95 ms of CPU to import its
 * modules, 25-30 ms as one file; one-off, 3 runs each).
 */
export * from 'yaml';
