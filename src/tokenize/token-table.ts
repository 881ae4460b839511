/**
 * Token bytes in one pool: token id i is pool[offsets[i], offsets[i+1]). Ids without a token
 * (the gap p50k_base leaves for <|endoftext|>, special token ids) have an empty range.
 * One pool instead of 200k small Uint8Arrays keeps loading fast and memory flat.
 */
export class TokenTable {
  constructor(
    readonly pool: Uint8Array,
    readonly offsets: Int32Array,
  ) {}

  /** Number of id slots (highest ordinary id + 1). */
  get size(): number {
    return this.offsets.length - 1;
  }

  has(id: number): boolean {
    return id >= 0 && id < this.size && this.offsets[id + 1]! > this.offsets[id]!;
  }

  bytes(id: number): Uint8Array {
    return this.pool.subarray(this.offsets[id]!, this.offsets[id + 1]!);
  }

  /** Number of ids that carry a token. */
  count(): number {
    let n = 0;
    for (let id = 0; id < this.size; id++) if (this.offsets[id + 1]! > this.offsets[id]!) n++;
    return n;
  }

  static fromTokens(tokens: readonly (Uint8Array | undefined)[]): TokenTable {
    let total = 0;
    for (const t of tokens) total += t?.length ?? 0;
    const pool = new Uint8Array(total);
    const offsets = new Int32Array(tokens.length + 1);
    let at = 0;
    tokens.forEach((t, id) => {
      offsets[id] = at;
      if (t) {
        pool.set(t, at);
        at += t.length;
      }
    });
    offsets[tokens.length] = at;
    return new TokenTable(pool, offsets);
  }
}

/** Builds a TokenTable incrementally (loaders append bytes as they decode them). */
export class TokenTableBuilder {
  private pool = new Uint8Array(1 << 16);
  private used = 0;
  private starts: number[] = [];
  private lengths: number[] = [];
  /** Every id so far came after the previous one: the pool is already laid out by id. */
  private ascending = true;

  /** Space for n more bytes; write into the returned array at `at`, then call commit. */
  reserve(n: number): { buf: Uint8Array; at: number } {
    if (this.used + n > this.pool.length) {
      const next = new Uint8Array(Math.max(this.pool.length * 2, this.used + n));
      next.set(this.pool.subarray(0, this.used));
      this.pool = next;
    }
    return { buf: this.pool, at: this.used };
  }

  /** Records bytes [at, at+n) written after reserve as token `id`. */
  commit(id: number, n: number): void {
    if (id < this.starts.length) this.ascending = false;
    while (this.starts.length <= id) {
      this.starts.push(-1);
      this.lengths.push(0);
    }
    this.starts[id] = this.used;
    this.lengths[id] = n;
    this.used += n;
  }

  add(id: number, bytes: Uint8Array): void {
    const { buf, at } = this.reserve(bytes.length);
    buf.set(bytes, at);
    this.commit(id, bytes.length);
  }

  has(id: number): boolean {
    return id < this.starts.length && this.starts[id]! >= 0;
  }

  build(): TokenTable {
    // Ids may arrive in any order; lay the pool out by id so offsets are monotone.
    const n = this.starts.length;
    const offsets = new Int32Array(n + 1);
    if (this.ascending) {
      // the usual case (rank files list tokens by id): no per-token copies
      let at = 0;
      for (let id = 0; id < n; id++) {
        offsets[id] = at;
        if (this.starts[id]! >= 0) at += this.lengths[id]!;
      }
      offsets[n] = at;
      return new TokenTable(this.pool.slice(0, this.used), offsets);
    }
    const pool = new Uint8Array(this.used);
    let at = 0;
    for (let id = 0; id < n; id++) {
      offsets[id] = at;
      const s = this.starts[id]!;
      const len = this.lengths[id]!;
      if (s >= 0) {
        pool.set(this.pool.subarray(s, s + len), at);
        at += len;
      }
    }
    offsets[n] = at;
    return new TokenTable(pool, offsets);
  }
}
