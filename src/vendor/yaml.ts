/**
 * yaml, as sluice imports it (the pipeline file's parser): like zod (zod.ts), the build replaces
 * dist/vendor/yaml.js by the package bundled into one file (the e2e bench's `start-up: import
 * yaml` rows: 0.074 s of CPU as installed, 0.029 s as one file; 10 MB run).
 */
export * from 'yaml';
