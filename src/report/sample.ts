/**
 * Reproducible samples that merge: each document gets a priority, a seeded 32-bit hash of its id,
 * and a sample keeps the `limit` documents of lowest priority (bottom-k sampling). That is a
 * uniform sample, and the union of two tasks' samples cut to `limit` is exactly the sample of the
 * two tasks together: the result depends on neither the task split, nor the merge order, nor a
 * resume. Because the priority depends only on the id, two runs over the same inputs draw the
 * same documents, which is what lets `--compare` show documents kept in one and dropped in the other.
 */
import type { Meta, JsonValue } from '../core/doc.js';
import { fmix32 } from '../core/hash32.js';

/** The seed of every sample's priority hash; recorded in report-data.json. */
export const SAMPLE_SEED = 0x5eed_17;

/** One sampled document, its text cut to what a page shows. */
export interface Sample {
  /** Priority: seeded hash of the id, unsigned. */
  h: number;
  id: string;
  source: string;
  kind: 'kept' | 'rejected' | 'duplicate';
  /** The stage and reason that removed it (absent when kept). */
  stage?: string;
  reason?: string;
  detail?: JsonValue;
  /** Characters of the whole text; `text` holds the first `cut` of them. */
  chars: number;
  tokens?: number;
  text: string;
  /** Scalar metadata only (scores, language, url): nested values are left out to keep samples small. */
  meta: Meta;
}

/** FNV-1a over the UTF-16 code units, then MurmurHash3's finalizer; unsigned. */
export function priorityOf(id: string, seed = SAMPLE_SEED): number {
  let h = (0x811c9dc5 ^ seed) | 0;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return fmix32(h) >>> 0;
}

/** Total order of samples: priority, then the fields that tell equal priorities (and equal ids) apart. */
export function compareSamples(a: Sample, b: Sample): number {
  return a.h - b.h || cmp(a.id, b.id) || cmp(a.source, b.source) || cmp(a.kind, b.kind) || cmp(a.stage ?? '', b.stage ?? '') || cmp(a.reason ?? '', b.reason ?? '');
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The `limit` lowest-priority samples of `samples`, in order. */
export function bottomK(samples: Sample[], limit: number): Sample[] {
  return samples.sort(compareSamples).slice(0, limit);
}

/**
 * A task's running sample. `wants(h)` is one comparison, so the caller builds a Sample (cutting
 * text, copying meta) only for the few documents that may enter it.
 */
export class BottomK {
  private items: Sample[] = [];
  /** Priorities above this can no longer enter. */
  private threshold = Infinity;

  constructor(readonly limit: number) {}

  wants(h: number): boolean {
    return h <= this.threshold;
  }

  add(s: Sample): void {
    this.items.push(s);
    // cut back to `limit` only when twice as many wait: amortised O(log k) per entry
    if (this.items.length >= 2 * this.limit) this.compact();
  }

  private compact(): void {
    this.items = bottomK(this.items, this.limit);
    if (this.items.length === this.limit) this.threshold = this.items[this.limit - 1]!.h;
  }

  result(): Sample[] {
    this.compact();
    return this.items;
  }
}

/** Text as a sample keeps it: the first `cut` characters, never splitting a surrogate pair. */
export function cutText(text: string, cut: number): string {
  if (text.length <= cut) return text;
  const end = /[\ud800-\udbff]/.test(text[cut - 1] ?? '') ? cut - 1 : cut;
  return text.slice(0, end);
}

/** Scalar entries of `meta`, strings cut short: enough to show scores and urls beside a sample. */
export function scalarMeta(meta: Meta): Meta {
  const out: Meta = {};
  for (const k in meta) {
    const v = meta[k];
    if (typeof v === 'number' || typeof v === 'boolean') out[k] = v;
    else if (typeof v === 'string') out[k] = cutText(v, 200);
  }
  return out;
}
