/**
 * The `classifier` stage: scores each document with a fastText model and keeps it by threshold
 * or by GPT-3's Pareto rule (keep when a Pareto(α) draw exceeds 1 − score, so low-scoring pages
 * still get through now and then). The score is the probability of one label. fastText scores
 * one line, so newlines become spaces (as datatrove does); `max_chars` limits the text scored
 * to its start. The Pareto draw is seeded by `seed` and the document id, so a rerun, or the same
 * document in another task split, gets the same verdict.
 */
import { z } from '../vendor/zod.js';
import { SluiceError } from '../core/errors.js';
import { fmix32 } from '../core/hash32.js';
import { defineFilter, drop } from '../core/stage.js';
import { cachedModel } from './model-cache.js';
import { Classifier } from './predict.js';

export const classifierParams = z
  .object({
    model: z.string().min(1).describe('fastText supervised model (.bin or .ftz), relative to the pipeline file'),
    label: z.string().min(1).describe('the label whose probability is the score, with or without __label__'),
    threshold: z.number().min(0).max(1).optional().describe('keep documents whose score is at least this'),
    pareto: z.number().positive().optional().describe("GPT-3's rule: keep when a Pareto(α) draw > 1 − score (GPT-3 used 9)"),
    seed: z.number().int().default(0).describe('seed of the Pareto draws'),
    min_chars: z.number().int().nonnegative().default(0).describe('documents shorter than this are rejected as too_short, unscored'),
    max_chars: z.number().int().nonnegative().default(0).describe('score only the first N characters (0: the whole text)'),
    score_field: z.string().min(1).optional().describe('meta key that records the score'),
    label_only: z.boolean().default(false).describe('only record the score (needs score_field), never drop'),
  })
  .strict()
  .superRefine((p, ctx) => {
    const rules = (p.threshold === undefined ? 0 : 1) + (p.pareto === undefined ? 0 : 1);
    if (p.label_only) {
      if (p.score_field === undefined) ctx.addIssue({ code: 'custom', message: 'label_only needs score_field, where the score goes', path: ['score_field'] });
    } else if (rules !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: 'give exactly one of threshold (keep score ≥ threshold) or pareto (GPT-3: keep when Pareto(α) > 1 − score)',
        path: rules === 0 ? ['threshold'] : ['pareto'],
      });
    }
  });

export type ClassifierParams = z.output<typeof classifierParams>;

/** A uniform value in [0, 1) from the seed and the document id: the same on every run and machine. */
export function docUniform(seed: number, id: string): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return (fmix32(h) >>> 0) / 4294967296;
}

/** numpy's pareto(α) (Lomax): (1 − u)^(−1/α) − 1. */
export function paretoDraw(alpha: number, u: number): number {
  return Math.pow(1 - u, -1 / alpha) - 1;
}

/**
 * The text fastText sees, optionally only the start. Newlines stay: the dictionary splits tokens
 * on them as on spaces (and a line's `</s>` comes once, at its end), so the features are those
 * of the text with newlines replaced, as datatrove feeds it, without copying the document.
 */
export function scoredText(text: string, maxChars: number): string {
  return maxChars > 0 && text.length > maxChars ? text.slice(0, maxChars) : text;
}

const round = (x: number): number => Math.round(x * 1e6) / 1e6;

export const classifierStage = defineFilter({
  name: 'classifier',
  summary: 'score documents with a fastText model (.bin/.ftz) and keep them by threshold or by the Pareto rule of GPT-3',
  params: classifierParams,
  create(params, env) {
    const classifier = new Classifier(cachedModel(params.model, env.configDir));
    const label = classifier.labelIndex(params.label);
    if (label < 0) {
      throw new SluiceError('SLUICE_CONFIG_INVALID', `classifier.label: ${classifier.model.file} has no label "${params.label}"`, { hint: `its labels are ${classifier.names.join(', ')}` });
    }
    return (doc, stats) => {
      if (doc.text.length < params.min_chars) return drop('too_short', { chars: doc.text.length, min_chars: params.min_chars });
      const score = round(classifier.probability(scoredText(doc.text, params.max_chars), label));
      if (params.score_field !== undefined) doc.meta[params.score_field] = score;
      stats.histogram('classifier_score', (Math.min(9, Math.floor(score * 10)) / 10).toFixed(1));
      if (params.label_only) return undefined;
      if (params.threshold !== undefined) return score >= params.threshold ? undefined : drop('below_threshold', { score, threshold: params.threshold });
      const draw = paretoDraw(params.pareto!, docUniform(params.seed, doc.id));
      return draw > 1 - score ? undefined : drop('pareto_dropped', { score, draw: round(draw), alpha: params.pareto! });
    };
  },
});
