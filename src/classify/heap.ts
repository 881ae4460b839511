/**
 * The top-k selection fastText's predict does, step for step: a min-heap of (log-probability,
 * label) pairs kept with libstdc++'s push_heap / pop_heap / sort_heap. Labels with equal scores
 * (common with the one-vs-all head's table sigmoid and with quantized models) come out in the
 * order the binary prints them only if the heap moves are the same, so they are reproduced here
 * rather than replaced by a sort.
 */

/** Parallel arrays of (score, label) pairs; `size` of them are in use. */
export class TopK {
  scores: Float64Array;
  ids: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.scores = new Float64Array(capacity + 1);
    this.ids = new Int32Array(capacity + 1);
  }

  reset(capacity: number): void {
    if (this.scores.length < capacity + 1) {
      this.scores = new Float64Array(capacity + 1);
      this.ids = new Int32Array(capacity + 1);
    }
    this.size = 0;
  }

  /** The heap's front: the smallest score kept (fastText compares with `>`, so the heap is a min-heap). */
  get frontScore(): number {
    return this.scores[0]!;
  }

  /** push_back + push_heap. */
  push(score: number, id: number): void {
    this.siftUp(this.size, 0, score, id);
    this.size++;
  }

  /** pop_heap + pop_back: removes the front. */
  pop(): void {
    const last = this.size - 1;
    if (last > 0) this.popInto(last);
    this.size = last;
  }

  /** sort_heap: afterwards the pairs are in descending score order. */
  sort(): void {
    for (let last = this.size - 1; last > 0; last--) this.popInto(last);
  }

  /** libstdc++ __pop_heap(first, last, result = last): moves the front to `last` and re-heaps [0, last). */
  private popInto(last: number): void {
    const s = this.scores[last]!;
    const id = this.ids[last]!;
    this.scores[last] = this.scores[0]!;
    this.ids[last] = this.ids[0]!;
    this.adjust(0, last, s, id);
  }

  /** libstdc++ __push_heap with comp(a, b) = a > b. */
  private siftUp(hole: number, top: number, score: number, id: number): void {
    const sc = this.scores;
    const ids = this.ids;
    let parent = (hole - 1) >> 1;
    while (hole > top && sc[parent]! > score) {
      sc[hole] = sc[parent]!;
      ids[hole] = ids[parent]!;
      hole = parent;
      parent = (hole - 1) >> 1;
    }
    sc[hole] = score;
    ids[hole] = id;
  }

  /** libstdc++ __adjust_heap. */
  private adjust(hole: number, len: number, score: number, id: number): void {
    const sc = this.scores;
    const ids = this.ids;
    const top = hole;
    let second = hole;
    while (second < (len - 1) >> 1) {
      second = 2 * (second + 1);
      if (sc[second]! > sc[second - 1]!) second--;
      sc[hole] = sc[second]!;
      ids[hole] = ids[second]!;
      hole = second;
    }
    if ((len & 1) === 0 && second === (len - 2) >> 1) {
      second = 2 * (second + 1);
      sc[hole] = sc[second - 1]!;
      ids[hole] = ids[second - 1]!;
      hole = second - 1;
    }
    this.siftUp(hole, top, score, id);
  }
}
