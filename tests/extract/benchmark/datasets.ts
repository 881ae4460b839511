/** The extraction benchmark's datasets (see README.md beside this file for where each comes from). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

export interface BenchmarkPage {
  id: string;
  url: string;
  html: string;
  truth: string;
}

export const DATASETS = ['readability', 'scrapinghub'] as const;
export type DatasetName = (typeof DATASETS)[number];

const here = new URL('.', import.meta.url).pathname;

export function loadDataset(name: DatasetName, dir = here): BenchmarkPage[] {
  const text = gunzipSync(readFileSync(join(dir, `${name}.jsonl.gz`))).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as BenchmarkPage);
}
