/**
 * Zip archives via yauzl 3.4.0. yauzl reads the central directory (the archive's authoritative
 * index, unlike streaming parsers such as unzipper that trust local headers and stumble on
 * entries written with data descriptors), checks each entry's size while inflating, and streams
 * entries through node:zlib, so an entry is never held compressed and inflated at once.
 * It needs random access: local files are read in place, other inputs are buffered first.
 */
import type { Readable } from 'node:stream';
import type { Entry, ZipFile } from 'yauzl';

export interface ZipEntry {
  name: string;
  uncompressedSize: number;
  open(): Promise<Readable>;
}

export type ZipSource = { path: string } | { buffer: Buffer };

/** Zip files start with a local file header (PK\3\4), or are empty (PK\5\6). */
export function isZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6));
}

function nextEntry(zip: ZipFile): Promise<Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (e: Entry): void => (cleanup(), resolve(e));
    const onEnd = (): void => (cleanup(), resolve(undefined));
    const onError = (err: Error): void => (cleanup(), reject(err));
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    zip.readEntry();
  });
}

/** Opens an archive for reading entries one at a time (`readEntry`); the caller closes it. */
export async function openZip(source: ZipSource): Promise<ZipFile> {
  const { default: yauzl } = await import('yauzl'); // only zip inputs need it
  const options = { lazyEntries: true, autoClose: false, validateEntrySizes: true };
  return 'path' in source ? yauzl.openPromise(source.path, options) : yauzl.fromBufferPromise(source.buffer, options);
}

/** Entries in archive order; each must be consumed (or skipped) before the next is read. */
export async function* zipEntries(source: ZipSource): AsyncIterable<ZipEntry> {
  const zip = await openZip(source);
  try {
    for (;;) {
      const entry = await nextEntry(zip);
      if (!entry) return;
      if (entry.fileName.endsWith('/')) continue;
      yield { name: entry.fileName, uncompressedSize: entry.uncompressedSize, open: () => zip.openReadStreamPromise(entry) };
    }
  } finally {
    zip.close();
  }
}
