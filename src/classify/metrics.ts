/**
 * The held-out report of `sluice classifier train`: precision, recall and F1 per label for the
 * top-1 prediction (a prediction is right when it is one of the line's labels), micro and macro
 * averages, and for two-label models the ROC AUC of the first label's probability.
 */
import type { Classifier } from './predict.js';
import type { TrainLine } from './train-dictionary.js';

export interface LabelMetrics {
  label: string;
  /** Held-out lines carrying the label. */
  support: number;
  predicted: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface EvalReport {
  examples: number;
  labels: LabelMetrics[];
  /** Micro-averaged over labels; equals accuracy when every line has one label. */
  micro: { precision: number; recall: number; f1: number };
  macroF1: number;
  /** Area under the ROC curve of P(positive) for two-label models. */
  auc?: { positive: string; value: number };
}

function f1(p: number, r: number): number {
  return p + r === 0 ? 0 : (2 * p * r) / (p + r);
}

/** ROC AUC by ranks (Mann–Whitney U), ties sharing their average rank. */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number {
  const order = scores.map((s, i) => i).sort((a, b) => scores[a]! - scores[b]!);
  let rankSumPos = 0;
  let npos = 0;
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && scores[order[j + 1]!] === scores[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) {
      if (positive[order[k]!]) {
        rankSumPos += avgRank;
        npos++;
      }
    }
    i = j + 1;
  }
  const nneg = scores.length - npos;
  if (npos === 0 || nneg === 0) return NaN;
  return (rankSumPos - (npos * (npos + 1)) / 2) / (npos * nneg);
}

/** Scores `lines` with `classifier`; `positive` picks the AUC's label for two-label models (default: the first). */
export function evaluate(classifier: Classifier, lines: readonly TrainLine[], positive?: string): EvalReport {
  const names = classifier.names;
  const tp = new Array<number>(names.length).fill(0);
  const predicted = new Array<number>(names.length).fill(0);
  const support = new Array<number>(names.length).fill(0);
  const index = new Map(names.map((n, i) => [n, i]));
  const two = names.length === 2;
  const pos = two ? Math.max(0, positive === undefined ? 0 : classifier.labelIndex(positive)) : -1;
  const scores: number[] = [];
  const isPos: boolean[] = [];
  let goldTotal = 0;
  for (const line of lines) {
    const gold = new Set<number>();
    for (const l of line.labels) {
      const i = index.get(l);
      if (i !== undefined) gold.add(i);
    }
    for (const i of gold) support[i]!++;
    goldTotal += gold.size;
    const top = classifier.predict(line.text, 1)[0];
    if (top !== undefined) {
      const i = top.index;
      predicted[i]!++;
      if (gold.has(i)) tp[i]!++;
    }
    if (two) {
      scores.push(classifier.probability(line.text, pos));
      isPos.push(gold.has(pos));
    }
  }
  const labels = names.map((label, i) => {
    const precision = predicted[i]! === 0 ? 0 : tp[i]! / predicted[i]!;
    const recall = support[i]! === 0 ? 0 : tp[i]! / support[i]!;
    return { label, support: support[i]!, predicted: predicted[i]!, precision, recall, f1: f1(precision, recall) };
  });
  const tpAll = tp.reduce((a, b) => a + b, 0);
  const predAll = predicted.reduce((a, b) => a + b, 0);
  const microP = predAll === 0 ? 0 : tpAll / predAll;
  const microR = goldTotal === 0 ? 0 : tpAll / goldTotal;
  const report: EvalReport = {
    examples: lines.length,
    labels,
    micro: { precision: microP, recall: microR, f1: f1(microP, microR) },
    macroF1: labels.reduce((s, l) => s + l.f1, 0) / Math.max(1, labels.length),
  };
  if (two) report.auc = { positive: names[pos]!, value: rocAuc(scores, isPos) };
  return report;
}

/** The report as a table for the terminal. */
export function formatReport(r: EvalReport): string {
  const pad = Math.max(5, ...r.labels.map((l) => l.label.length));
  const fmt = (x: number): string => x.toFixed(4);
  const lines = [`${'label'.padEnd(pad)}  precision  recall  f1      support`];
  for (const l of r.labels) lines.push(`${l.label.padEnd(pad)}  ${fmt(l.precision)}     ${fmt(l.recall)}  ${fmt(l.f1)}  ${l.support}`);
  lines.push(`${'micro'.padEnd(pad)}  ${fmt(r.micro.precision)}     ${fmt(r.micro.recall)}  ${fmt(r.micro.f1)}  ${r.examples}`);
  lines.push(`macro F1 ${fmt(r.macroF1)}`);
  if (r.auc !== undefined) lines.push(`ROC AUC (${r.auc.positive}) ${Number.isNaN(r.auc.value) ? 'n/a (the held-out lines have one label only)' : fmt(r.auc.value)}`);
  return lines.join('\n');
}
