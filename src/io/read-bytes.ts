/** Reading byte streams whole or in part. Stopping early closes the stream (file handle, socket). */

/** Thrown by `readAll` when a stream holds more bytes than its limit. */
export class TooLargeError extends Error {}

/** A chunk as a Buffer over the same memory (no copy). */
export function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

/** The whole stream in one buffer; past `limit` bytes it stops reading and throws TooLargeError. */
export async function readAll(chunks: AsyncIterable<Uint8Array>, limit = Infinity): Promise<Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  for await (const c of chunks) {
    n += c.length;
    if (n > limit) throw new TooLargeError(`more than ${limit} bytes`);
    parts.push(asBuffer(c));
  }
  return Buffer.concat(parts, n);
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
