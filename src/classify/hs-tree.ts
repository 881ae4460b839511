/**
 * The Huffman tree of the hierarchical-softmax head, built from the label counts as fastText
 * builds it (labels are sorted by count, most frequent first, so the two-queue merge needs no
 * heap). Node `i ≥ nlabels` owns output row `i - nlabels`; `binary` marks right children.
 */
export interface HsTree {
  readonly osz: number;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly parent: Int32Array;
  readonly binary: Uint8Array;
  /** Per label: inner nodes from the leaf up to the root (as output rows) and the branch taken at each. */
  readonly paths: readonly Int32Array[];
  readonly codes: readonly Uint8Array[];
}

export function buildHsTree(counts: readonly number[]): HsTree {
  const osz = counts.length;
  const n = Math.max(1, 2 * osz - 1);
  const left = new Int32Array(n).fill(-1);
  const right = new Int32Array(n).fill(-1);
  const parent = new Int32Array(n).fill(-1);
  const binary = new Uint8Array(n);
  const count = new Float64Array(n).fill(1e15);
  for (let i = 0; i < osz; i++) count[i] = counts[i]!;
  let leaf = osz - 1;
  let node = osz;
  for (let i = osz; i < 2 * osz - 1; i++) {
    const mini = [0, 0];
    for (let j = 0; j < 2; j++) {
      if (leaf >= 0 && count[leaf]! < count[node]!) mini[j] = leaf--;
      else mini[j] = node++;
    }
    const [a, b] = mini as [number, number];
    left[i] = a;
    right[i] = b;
    count[i] = count[a]! + count[b]!;
    parent[a] = i;
    parent[b] = i;
    binary[b] = 1;
  }
  const paths: Int32Array[] = [];
  const codes: Uint8Array[] = [];
  for (let i = 0; i < osz; i++) {
    const path: number[] = [];
    const code: number[] = [];
    for (let j = i; parent[j] !== -1; j = parent[j]!) {
      path.push(parent[j]! - osz);
      code.push(binary[j]!);
    }
    paths.push(Int32Array.from(path));
    codes.push(Uint8Array.from(code));
  }
  return { osz, left, right, parent, binary, paths, codes };
}
