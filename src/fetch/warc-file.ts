/**
 * The task's `.warc.gz`: records appended one gzip member each, and read back member by member.
 * A process killed mid-write (kill -9) leaves at most one cut member at the end; the scan stops
 * there, and the task's next attempt truncates its own file to the last whole member before it
 * appends, so the file stays a valid multi-member gzip that the `warc` reader reads without a
 * `truncated` reject. Other tasks' files are only read, up to the last whole member.
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { inflateMemberAt } from '../readers/warc/gzip-members.js';

/** Where a record lies in its file: a whole gzip member. */
export interface MemberRef {
  path: string;
  offset: number;
  length: number;
}

/**
 * Appends records to a file, truncating it first to `validEnd` (the end of its last whole member).
 * Writes are synchronous: a record is in the file (the page cache) before its page leaves the
 * stage, which is what lets a rerun trust everything the scan finds.
 */
export class WarcAppender {
  private readonly fd: number;
  private size: number;
  private closed = false;

  constructor(
    readonly path: string,
    validEnd: number,
    private readonly level: number,
  ) {
    this.fd = openSync(path, 'a+');
    if (fstatSync(this.fd).size > validEnd) ftruncateSync(this.fd, validEnd);
    this.size = validEnd;
  }

  append(record: Buffer): MemberRef {
    // a late exchange of an interrupted task must not write through a file descriptor number the process has reused
    if (this.closed) throw new Error(`${this.path} is closed`);
    const member = gzipSync(record, { level: this.level });
    let written = 0;
    while (written < member.length) written += writeSync(this.fd, member, written, member.length - written);
    const ref = { path: this.path, offset: this.size, length: member.length };
    this.size += member.length;
    return ref;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
  }
}

/** Reads one member back and returns its decompressed bytes. */
export function readMember(ref: MemberRef): Buffer {
  const fd = openSync(ref.path, 'r');
  try {
    const buf = Buffer.alloc(ref.length);
    let got = 0;
    while (got < ref.length) {
      const n = readSync(fd, buf, got, ref.length - got, ref.offset + got);
      if (n === 0) throw new Error(`${ref.path}: member at ${ref.offset} is cut short (${got} of ${ref.length} bytes)`);
      got += n;
    }
    const m = inflateMemberAt(buf, 0);
    return m.kind === 'complete' ? m.out : failMember(ref);
  } finally {
    closeSync(fd);
  }
}

function failMember(ref: MemberRef): never {
  throw new Error(`${ref.path}: member at ${ref.offset} (${ref.length} bytes) does not inflate`);
}

export interface ScannedMember {
  ref: MemberRef;
  bytes: Buffer;
}

/**
 * Every whole member of `path` in order; `validEnd()` after the loop is the offset the whole
 * members end at (the file's size unless its tail is cut or damaged). A missing file has none.
 */
export function scanMembers(path: string): { members: AsyncIterable<ScannedMember>; validEnd: () => number } {
  let valid = 0;
  async function* members(): AsyncIterable<ScannedMember> {
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const size = (await handle.stat()).size;
      let buf = Buffer.alloc(0);
      let base = 0;
      let read = 0;
      let want = 4 * 1024 * 1024;
      for (;;) {
        const m = inflateMemberAt(buf, 0);
        // a damaged member ends the scan here: reading on would only hold the rest of the file in memory
        if (m.kind === 'corrupt') return;
        if (m.kind === 'complete') {
          yield { ref: { path, offset: base, length: m.length }, bytes: m.out };
          buf = buf.subarray(m.length);
          base += m.length;
          valid = base;
          continue;
        }
        if (read >= size) return;
        // not whole yet: read more, at least doubling, so a member spread over many reads costs linear time
        want = Math.max(want, buf.length * 2);
        const chunk = Buffer.alloc(Math.min(want, size - read));
        const { bytesRead } = await handle.read(chunk, 0, chunk.length, read);
        if (bytesRead === 0) return;
        read += bytesRead;
        buf = buf.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([buf, chunk.subarray(0, bytesRead)]);
      }
    } finally {
      await handle.close();
    }
  }
  return { members: members(), validEnd: () => valid };
}
