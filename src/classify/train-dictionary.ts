/**
 * Builds a fastText dictionary from training lines the way `fasttext supervised` does: every
 * whitespace-separated token counts (labels and the `</s>` closing each line included), words
 * rarer than minCount and labels rarer than minCountLabel are dropped, and the survivors are
 * ordered words first, then labels, each by falling count (ties keep first-seen order, where
 * fastText's unstable sort leaves them unspecified).
 */
import { SluiceError } from '../core/errors.js';
import { Dictionary, EOS, LABEL, WORD, type DictEntry, type FeatureArgs } from './dictionary.js';

const SEPARATORS = /[ \n\r\t\v\f\0]+/;
const encoder = new TextEncoder();

export interface TrainLine {
  /** Labels without the prefix. */
  readonly labels: readonly string[];
  readonly text: string;
}

interface Count {
  count: number;
  type: typeof WORD | typeof LABEL;
  order: number;
}

export function buildDictionary(lines: readonly TrainLine[], args: FeatureArgs, minCount: number, minCountLabel: number): Dictionary {
  const counts = new Map<string, Count>();
  let ntokens = 0;
  const add = (token: string): void => {
    ntokens++;
    const c = counts.get(token);
    if (c !== undefined) c.count++;
    else counts.set(token, { count: 1, type: token.startsWith(args.label) ? LABEL : WORD, order: counts.size });
  };
  for (const line of lines) {
    for (const l of line.labels) add(args.label + l);
    for (const t of line.text.split(SEPARATORS)) if (t !== '') add(t);
    add(EOS);
  }
  const kept = [...counts.entries()].filter(([, c]) => (c.type === WORD ? c.count >= minCount : c.count >= minCountLabel));
  kept.sort(([, a], [, b]) => a.type - b.type || b.count - a.count || a.order - b.order);
  const entries: DictEntry[] = kept.map(([w, c]) => ({ bytes: encoder.encode(w), count: c.count, type: c.type }));
  if (!entries.some((e) => e.type === LABEL)) {
    throw new SluiceError('SLUICE_USAGE', 'no labels to train on: every example needs at least one label', { hint: 'give each input a label, e.g. --label hq=out/wiki --label cc=out/web' });
  }
  return new Dictionary(entries, args, ntokens);
}
