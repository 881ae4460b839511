/** Reading the start of a byte stream. Stopping early closes the stream (file handle, socket). */

/** A chunk as a Buffer over the same memory (no copy). */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The first `n` bytes of a stream (fewer if it is shorter); the rest is not read. */
export async function readHead(chunks: AsyncIterable<Uint8Array>, n: number): Promise<Buffer> {
  const parts: Buffer[] = [];
  let have = 0;
  for await (const c of chunks) {
    parts.push(asBuffer(c));
    have += c.length;
    if (have >= n) break;
  }
  return Buffer.concat(parts, have).subarray(0, n);
}
