import { open, type FileHandle } from 'node:fs/promises';

/**
 * Sequential writer over a file descriptor. Hands buffers to the kernel with writev (no
 * concatenation into a whole-file buffer) and reports every byte to an optional observer,
 * in file order, so callers can hash the file as it is produced.
 */
export class FileSink {
  private position = 0;

  private constructor(
    private readonly fh: FileHandle,
    private readonly onWrite: ((chunk: Uint8Array) => void) | undefined,
  ) {}

  static async create(path: string, onWrite?: (chunk: Uint8Array) => void): Promise<FileSink> {
    return new FileSink(await open(path, 'w'), onWrite);
  }

  get bytesWritten(): number {
    return this.position;
  }

  /**
   * Writes the buffers in order at the current end of file. Offsets are claimed
   * synchronously, so a caller may start the next write before awaiting this one.
   */
  async write(buffers: readonly Uint8Array[]): Promise<void> {
    let at = this.position;
    for (const b of buffers) {
      this.onWrite?.(b);
      this.position += b.length;
    }
    // Batches stay under IOV_MAX (1024); short writes are resumed where they stopped.
    for (let i = 0; i < buffers.length; i += 512) {
      let batch = buffers.slice(i, i + 512);
      let want = 0;
      for (const b of batch) want += b.length;
      while (want > 0) {
        const { bytesWritten } = await this.fh.writev(batch, at);
        at += bytesWritten;
        want -= bytesWritten;
        if (want > 0) batch = skipBytes(batch, bytesWritten);
      }
    }
  }

  async sync(): Promise<void> {
    await this.fh.sync();
  }

  async close(): Promise<void> {
    await this.fh.close();
  }
}

function skipBytes(buffers: Uint8Array[], n: number): Uint8Array[] {
  const rest: Uint8Array[] = [];
  for (const b of buffers) {
    if (n >= b.length) {
      n -= b.length;
      continue;
    }
    rest.push(n > 0 ? b.subarray(n) : b);
    n = 0;
  }
  return rest;
}
