/**
 * The outcome of one URL's exchange (after its retries), whether it came from the network now or
 * from the WARC files of an earlier attempt: an HTTP answer, or a failure with its reason.
 */
import type { JsonValue } from '../core/doc.js';

export type Hop =
  | {
      kind: 'response';
      status: number;
      /** The Location header as stored (latin1 string of its bytes). */
      location: string | undefined;
      /** WARC-Date of the record. */
      date: string;
      /** The record's block: the HTTP response as stored (read back from the file when it came from there). */
      block: () => Buffer;
      fromWarc: boolean;
    }
  | { kind: 'failure'; reason: string; detail: Record<string, JsonValue>; attempts: number; date: string; fromWarc: boolean };
