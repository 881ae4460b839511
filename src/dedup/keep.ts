import type { DocRef } from './doc-ref.js';

/**
 * Which document of a duplicate cluster survives. `smallest_id` and `longest` depend only on
 * the documents, never on how the run was split into tasks; `first` (the earliest by task
 * rank, then position in the task) is reproducible only for the same split.
 */
export type KeepRule = 'smallest_id' | 'longest' | 'first';
export const KEEP_RULES = ['smallest_id', 'longest', 'first'] as const;

export interface Candidate {
  ref: DocRef;
  id: string;
  chars: number;
}

function byId(a: Candidate, b: Candidate): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : a.ref - b.ref;
}

/** True when `a` should be kept rather than `b`. */
export function prefer(rule: KeepRule, a: Candidate, b: Candidate): boolean {
  switch (rule) {
    case 'smallest_id':
      return byId(a, b) < 0;
    case 'longest':
      return a.chars !== b.chars ? a.chars > b.chars : byId(a, b) < 0;
    case 'first':
      return a.ref < b.ref;
  }
}

export function chooseKept(rule: KeepRule, members: Candidate[]): Candidate {
  let best = members[0]!;
  for (let i = 1; i < members.length; i++) if (prefer(rule, members[i]!, best)) best = members[i]!;
  return best;
}
