/**
 * The labeled evaluation set for the redact stage, built deterministically from a seed so the
 * tests and `make bench` score the same documents. Test and bench code only (not shipped in dist/).
 */
import { Prng } from '../../../src/redact/hash.js';
import { DocBuilder, type EvalLabel } from './doc-builder.js';
import { type Genre, TEMPLATES } from './templates.js';

export type { EvalLabel } from './doc-builder.js';

export interface EvalCase {
  id: string;
  template: string;
  genre: Genre;
  text: string;
  labels: EvalLabel[];
}

export interface EvalSetOptions {
  seed?: number;
  /** Number of documents (each plants several values). */
  docs?: number;
}

export function buildEvalSet(opts: EvalSetOptions = {}): EvalCase[] {
  const r = new Prng(opts.seed ?? 20240601);
  const docs = opts.docs ?? 800;
  const cases: EvalCase[] = [];
  for (let k = 0; k < docs; k++) {
    const template = TEMPLATES[k % TEMPLATES.length]!;
    const b = new DocBuilder();
    template.write(b, r);
    cases.push({ id: `eval-${String(k).padStart(4, '0')}`, template: template.name, genre: template.genre, text: b.build(), labels: b.labels });
  }
  return cases;
}
