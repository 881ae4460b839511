import type { z } from 'zod';
import type { Doc } from '../../src/core/doc.js';
import type { Drop, StageDefinition } from '../../src/core/stage.js';
import { StatsRecorder } from '../../src/core/stats.js';
import { buildStage, doc, runStage } from '../helpers/harness.js';

/** The reason a filter stage gives for one document, or 'kept'; goes through the real stage. */
export async function verdict(def: StageDefinition, params: unknown, input: Doc | string): Promise<string> {
  const d = typeof input === 'string' ? doc(input) : input;
  const built = await buildStage(def, params);
  if (built.kind !== 'stream') throw new Error('not a stream stage');
  const { kept, rejected } = await runStage(built.run, [d]);
  if (kept.length === 1) return 'kept';
  return rejected[0]!.reason;
}

/** Calls a filter function directly (faster in loops), with defaults filled by the schema. */
export function direct<S extends z.ZodType>(schema: S, make: (p: z.output<S>) => (d: Doc, stats?: never) => Drop | undefined, params: z.input<S> = {} as z.input<S>) {
  const fn = make(schema.parse(params));
  return (text: string, meta: Doc['meta'] = {}): string => fn(doc(text, 'd0', 'test', meta))?.reason ?? 'kept';
}

export function recorder() {
  return new StatsRecorder().stage('test');
}
