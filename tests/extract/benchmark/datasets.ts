/** The extraction benchmark's datasets (see README.md beside this file for where each comes from). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** A page with its main text (`truth`), or with snippets the main text must (`with`) and must not (`without`) hold. */
export interface BenchmarkPage {
  id: string;
  url: string;
  html: string;
  truth?: string;
  with?: string[];
  without?: string[];
}

export const DATASETS = ['readability', 'scrapinghub', 'trafilatura'] as const;
export type DatasetName = (typeof DATASETS)[number];

const here = new URL('.', import.meta.url).pathname;

export function loadDataset(name: DatasetName, dir = here): BenchmarkPage[] {
  const text = gunzipSync(readFileSync(join(dir, `${name}.jsonl.gz`))).toString('utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as BenchmarkPage);
}
