import type { DocRef } from '../doc-ref.js';

/** The root of `x` in a parent array, halving the path on the way. */
function findRoot(parent: Int32Array, x: number): number {
  while (parent[x] !== x) {
    const gp = parent[parent[x]!]!;
    parent[x] = gp;
    x = gp;
  }
  return x;
}

/**
 * Union-find over 0..n-1 in one Int32Array (4 bytes per element). The root of a set is always
 * its smallest element, so the result does not depend on the order of unions; finds halve paths.
 */
export class UnionFind {
  readonly parent: Int32Array;

  constructor(n: number) {
    this.parent = new Int32Array(n);
    for (let i = 0; i < n; i++) this.parent[i] = i;
  }

  find(x: number): number {
    return findRoot(this.parent, x);
  }

  union(a: number, b: number): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra < rb) this.parent[rb] = ra;
    else if (rb < ra) this.parent[ra] = rb;
  }
}

/**
 * Union-find over the documents that actually appear in edges (DocRefs, sparse), for passes
 * that see only part of the corpus. Roots are the smallest ref of their set.
 */
export class RefUnionFind {
  private readonly index = new Map<DocRef, number>();
  private refs = new Float64Array(1024);
  private parent = new Int32Array(1024);
  size = 0;

  private slot(ref: DocRef): number {
    let i = this.index.get(ref);
    if (i !== undefined) return i;
    i = this.size++;
    if (i === this.refs.length) {
      const refs = new Float64Array(i * 2);
      refs.set(this.refs);
      this.refs = refs;
      const parent = new Int32Array(i * 2);
      parent.set(this.parent);
      this.parent = parent;
    }
    this.refs[i] = ref;
    this.parent[i] = i;
    this.index.set(ref, i);
    return i;
  }

  private findSlot(i: number): number {
    return findRoot(this.parent, i);
  }

  connected(a: DocRef, b: DocRef): boolean {
    const ia = this.index.get(a);
    const ib = this.index.get(b);
    return ia !== undefined && ib !== undefined && this.findSlot(ia) === this.findSlot(ib);
  }

  union(a: DocRef, b: DocRef): void {
    const ra = this.findSlot(this.slot(a));
    const rb = this.findSlot(this.slot(b));
    if (ra === rb) return;
    if (this.refs[ra]! < this.refs[rb]!) this.parent[rb] = ra;
    else this.parent[ra] = rb;
  }

  /** Every element with the smallest ref of its set (the root); each element once. */
  *pairs(): Generator<[member: DocRef, root: DocRef]> {
    for (let i = 0; i < this.size; i++) yield [this.refs[i]!, this.refs[this.findSlot(i)]!];
  }

  /** The sets, as arrays of refs (the root first, then in insertion order). */
  components(): DocRef[][] {
    const byRoot = new Map<number, DocRef[]>();
    for (let i = 0; i < this.size; i++) {
      const r = this.findSlot(i);
      let list = byRoot.get(r);
      if (!list) {
        list = [this.refs[r]!];
        byRoot.set(r, list);
      }
      if (r !== i) list.push(this.refs[i]!);
    }
    return [...byRoot.values()];
  }
}
