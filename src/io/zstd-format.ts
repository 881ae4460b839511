/**
 * The parts of the zstd frame format (RFC 8878, 3.1.1) that sluice reads without decoding: frame
 * magic numbers, the frame header's size and the window a frame asks its decoder for.
 */

export const ZSTD_MAGIC = 0xfd2fb528;
/** Skippable frames have magic 0x184D2A50-0x184D2A5F: the low nibble is free for applications. */
export const SKIPPABLE_MASK = 0xfffffff0;
export const SKIPPABLE_MAGIC = 0x184d2a50;

const DICT_ID_BYTES = [0, 1, 2, 4] as const;
/** The longest frame header: magic, descriptor, window, a 4-byte dictionary id and an 8-byte content size. */
export const FRAME_HEADER_MAX_BYTES = 18;
const CONTENT_SIZE_BYTES = [0, 2, 4, 8] as const;

export function isSkippableMagic(magic: number): boolean {
  return (magic & SKIPPABLE_MASK) >>> 0 === SKIPPABLE_MAGIC;
}

/** The size of a frame header from its descriptor byte: magic, descriptor, window, dictionary id, content size. */
export function frameHeaderBytes(descriptor: number): number {
  const fcsFlag = descriptor >> 6;
  const singleSegment = (descriptor >> 5) & 1;
  const fcs = fcsFlag === 0 ? singleSegment : CONTENT_SIZE_BYTES[fcsFlag]!;
  return 4 + 1 + (singleSegment ? 0 : 1) + DICT_ID_BYTES[descriptor & 3]! + fcs;
}

/**
 * The window (bytes) a data frame starting `head` needs its decoder to hold: the window
 * descriptor's size, or for a single-segment frame its content size. Undefined when `head` is not
 * the start of a data frame, or too short to tell.
 */
export function frameWindowBytes(head: Uint8Array): number | undefined {
  if (head.length < 6) return undefined;
  const view = Buffer.from(head.buffer, head.byteOffset, head.length);
  if (view.readUInt32LE(0) !== ZSTD_MAGIC) return undefined;
  const descriptor = view[4]!;
  if (((descriptor >> 5) & 1) === 0) {
    const wd = view[5]!;
    const base = 2 ** (10 + (wd >> 3));
    return base + (base / 8) * (wd & 7);
  }
  // single segment: no window descriptor; the window is the content size that follows the dictionary id
  const at = 5 + DICT_ID_BYTES[descriptor & 3]!;
  const fcsFlag = descriptor >> 6;
  if (view.length < at + Math.max(1, CONTENT_SIZE_BYTES[fcsFlag]!)) return undefined;
  switch (fcsFlag) {
    case 0:
      return view[at]!;
    case 1:
      return view.readUInt16LE(at) + 256;
    case 2:
      return view.readUInt32LE(at);
    default:
      return Number(view.readBigUInt64LE(at));
  }
}
