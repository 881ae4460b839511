/**
 * Prediction with a loaded fastText model, reproducing `fasttext predict-prob`: the line's input
 * rows are averaged into the hidden vector, the head turns it into label probabilities (softmax,
 * hierarchical softmax by depth-first search with fastText's pruning, or independent table
 * sigmoids for one-vs-all and negative sampling), and the k best are picked with fastText's own
 * heap moves. All arithmetic is float32 in fastText's order.
 */
import { LABEL_PREFIX, type FastTextModel } from './model-file.js';
import { buildHsTree, type HsTree } from './hs-tree.js';
import { TopK } from './heap.js';
import { IdBuffer } from '../core/id-buffer.js';
import { stdLog, tableSigmoid } from './sigmoid.js';

export interface Prediction {
  /** The label as stored, prefix included (`__label__en`). */
  readonly label: string;
  readonly prob: number;
  /** The label's index in `Classifier.labels` and `names`. */
  readonly index: number;
}

const encoder = new TextEncoder();

export class Classifier {
  readonly labels: readonly string[];
  /** Labels without the `__label__` prefix. */
  readonly names: readonly string[];
  private readonly hidden: Float32Array;
  private readonly output: Float32Array;
  private readonly features = new IdBuffer(1024);
  private bytes = new Uint8Array(4096);
  private readonly heap: TopK;
  private readonly tree: HsTree | undefined;

  constructor(readonly model: FastTextModel) {
    this.labels = model.dict.labels;
    this.names = this.labels.map((l) => (l.startsWith(LABEL_PREFIX) ? l.slice(LABEL_PREFIX.length) : l));
    this.hidden = new Float32Array(model.args.dim);
    this.output = new Float32Array(model.dict.nlabels);
    this.heap = new TopK(model.dict.nlabels);
    this.tree = model.args.loss === 'hs' ? buildHsTree(model.dict.labelCounts) : undefined;
  }

  /** Index of a label given with or without its prefix; -1 when the model has no such label. */
  labelIndex(label: string): number {
    const i = this.labels.indexOf(label);
    return i >= 0 ? i : this.names.indexOf(label);
  }

  /** UTF-8 bytes of `text` in the reused buffer; returns their length. */
  private encode(text: string): number {
    if (this.bytes.length < text.length * 3) this.bytes = new Uint8Array(text.length * 3 + 64);
    return encoder.encodeInto(text, this.bytes).written;
  }

  /** Averages the line's input rows into `hidden`; false when the line has no features. */
  private computeHidden(text: string): boolean {
    const len = this.encode(text);
    const f = this.features;
    this.model.dict.lineFeatures(this.bytes, len, f);
    if (f.length === 0) return false;
    const h = this.hidden;
    this.model.input.sumRows(f.data, f.length, h);
    const scale = Math.fround(1 / f.length);
    for (let j = 0; j < h.length; j++) h[j]! *= scale;
    return true;
  }

  /** Label probabilities into `output` (softmax, or per-label table sigmoids). */
  private computeOutput(): void {
    const out = this.output;
    const wo = this.model.output;
    const h = this.hidden;
    for (let i = 0; i < out.length; i++) out[i] = wo.dotRow(h, i);
    if (this.model.args.loss === 'softmax') {
      let max = out[0]!;
      for (let i = 0; i < out.length; i++) max = Math.max(max, out[i]!);
      let z = 0;
      for (let i = 0; i < out.length; i++) {
        out[i] = Math.exp(Math.fround(out[i]! - max));
        z = Math.fround(z + out[i]!);
      }
      for (let i = 0; i < out.length; i++) out[i]! /= z;
    } else {
      for (let i = 0; i < out.length; i++) out[i] = tableSigmoid(out[i]!);
    }
  }

  /** fastText's findKBest over `output`, with threshold `threshold`. */
  private findKBest(k: number, threshold: number): void {
    const heap = this.heap;
    const out = this.output;
    for (let i = 0; i < out.length; i++) {
      const p = out[i]!;
      if (p < threshold) continue;
      const lp = stdLog(p);
      if (heap.size === k && lp < heap.frontScore) continue;
      heap.push(lp, i);
      if (heap.size > k) heap.pop();
    }
  }

  private dfs(k: number, logThreshold: number, node: number, score: number): void {
    const tree = this.tree!;
    const heap = this.heap;
    if (score < logThreshold) return;
    if (heap.size === k && score < heap.frontScore) return;
    if (tree.left[node] === -1 && tree.right[node] === -1) {
      heap.push(score, node);
      if (heap.size > k) heap.pop();
      return;
    }
    const f = this.branch(node);
    this.dfs(k, logThreshold, tree.left[node]!, Math.fround(score + stdLog(1 - f)));
    this.dfs(k, logThreshold, tree.right[node]!, Math.fround(score + stdLog(f)));
  }

  /** Probability of taking the right branch at an inner node (float32, fastText's expression). */
  private branch(node: number): number {
    const x = this.model.output.dotRow(this.hidden, node - this.tree!.osz);
    return Math.fround(1 / Math.fround(1 + Math.fround(Math.exp(-x))));
  }

  /**
   * The k most probable labels for one line of text, best first, as `fasttext predict-prob`
   * prints them (k < 0: all labels). Newlines inside `text` count as spaces; the line ends with
   * fastText's `</s>`. Labels below `threshold` are left out. Empty when the line has no features.
   */
  predict(text: string, k = 1, threshold = 0): Prediction[] {
    const nlabels = this.labels.length;
    if (k < 0 || k > nlabels) k = nlabels;
    if (k === 0 || !this.computeHidden(text)) return [];
    const heap = this.heap;
    heap.reset(k);
    if (this.tree !== undefined) {
      this.dfs(k, stdLog(threshold), 2 * this.tree.osz - 2, 0);
    } else {
      this.computeOutput();
      this.findKBest(k, threshold);
    }
    heap.sort();
    const out: Prediction[] = [];
    for (let i = 0; i < heap.size; i++) out.push({ label: this.labels[heap.ids[i]!]!, prob: Math.fround(Math.exp(heap.scores[i]!)), index: heap.ids[i]! });
    return out;
  }

  /**
   * Probability of one label (by index) for a line, as predict-prob would print it for that label
   * with k = all (hierarchical softmax: the product along its path; NaN-free, never pruned).
   * Returns 0 for a line without features, where fastText predicts nothing.
   */
  probability(text: string, label: number): number {
    if (!this.computeHidden(text)) return 0;
    if (this.tree !== undefined) {
      const path = this.tree.paths[label]!;
      const code = this.tree.codes[label]!;
      let score = 0;
      // root first, as the search adds them
      for (let i = path.length - 1; i >= 0; i--) {
        const f = this.branch(path[i]! + this.tree.osz);
        score = Math.fround(score + stdLog(code[i] === 1 ? f : 1 - f));
      }
      return Math.fround(Math.exp(score));
    }
    this.computeOutput();
    return Math.fround(Math.exp(stdLog(this.output[label]!)));
  }
}
