/**
 * Per-task files opened on demand and kept open for the next lookup, at most `maxOpen` at a time
 * (the least recently used is closed first): lookups by ref may touch any task's files, and a run
 * may have more tasks than the process has file descriptors.
 */
export class OpenByRank<T extends { close(): void }> {
  private readonly open = new Map<number, T>();

  constructor(
    private readonly openRank: (rank: number) => T,
    private readonly maxOpen = 128,
  ) {}

  get(rank: number): T {
    let t = this.open.get(rank);
    if (t) {
      this.open.delete(rank);
      this.open.set(rank, t);
      return t;
    }
    if (this.open.size >= this.maxOpen) {
      const [oldest, victim] = this.open.entries().next().value!;
      victim.close();
      this.open.delete(oldest);
    }
    t = this.openRank(rank);
    this.open.set(rank, t);
    return t;
  }

  close(): void {
    for (const t of this.open.values()) t.close();
    this.open.clear();
  }
}
