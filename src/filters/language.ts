/**
 * Language identification with eld (Nito-ELD, Apache-2.0; the `eld/small` n-gram database ships
 * inside the npm package, nothing is downloaded), through the faster re-implementation in
 * text/eld-fast.ts that gives identical results. 60 languages (ISO 639-1). The language and its
 * score go in `doc.meta.language` / `doc.meta.language_score`, where the quality filters read them.
 *
 * eld looks at no more than about 380 bytes, so the sample matters: it is built from the
 * document's prose-like lines (at least 40 characters after trimming) up to `sample_chars`,
 * which skips navigation and headers at the top of web pages; documents without such lines use
 * their first `sample_chars` characters.
 *
 * A document is kept when its top language is in `keep` (or `keep` is empty) and its score is at
 * least `min_score`. eld's scores are not probabilities (several languages can score above 0.65
 * at once), so only the top language is considered, unlike datatrove's fastText filter, which
 * keeps a document if any listed language scores above the threshold.
 */
import { z } from '../vendor/zod.js';
import type { Doc } from '../core/doc.js';
import { SluiceError } from '../core/errors.js';
import { defineFilter, drop, type Drop } from '../core/stage.js';
import type { StageRecorder } from '../core/stats.js';
import { skipSpaceBackward, skipSpaceForward } from './text/chars.js';
import { loadFastEld } from './text/eld-fast.js';
import { fastTextLanguageDetector } from '../classify/language.js';

export const languageParams = z
  .object({
    /** ISO 639-1 codes to keep; empty keeps every language that reaches `min_score`. */
    keep: z.array(z.string().regex(/^[a-z]{2,3}(_[A-Z][a-z]{3})?$/, 'ISO 639-1 codes such as en, zh, de (eng_Latn style for GlotLID)')).default([]),
    /** A fastText language model (lid.176.bin, GlotLID) instead of eld; relative to the pipeline file. */
    model: z.string().min(1).optional(),
    min_score: z.number().min(0).max(1).default(0.65),
    /** Only label documents (meta), never drop. */
    label_only: z.boolean().default(false),
    /** eld reads at most about 380 UTF-8 bytes, so longer samples only cost time. */
    sample_chars: z.number().int().min(50).max(5000).default(400),
    /** Lines shorter than this (after trimming) are skipped when building the sample. */
    min_line_chars: z.number().int().nonnegative().default(40),
  })
  .strict();

export type LanguageParams = z.output<typeof languageParams>;

interface Detection {
  language: string;
  score: number;
}

/** The text eld sees: prose-like lines first, else the start of the document. */
export function languageSample(text: string, sampleChars: number, minLineChars: number): string {
  const n = text.length;
  if (n <= sampleChars) return text;
  let out = '';
  let p = 0;
  while (p < n && out.length < sampleChars) {
    const i = text.indexOf('\n', p);
    const end = i === -1 ? n : i;
    const a = skipSpaceForward(text, p, end);
    const b = skipSpaceBackward(text, a, end);
    if (b - a >= minLineChars) out += (out === '' ? '' : '\n') + text.slice(a, Math.min(b, a + sampleChars - out.length));
    if (i === -1) break;
    p = i + 1;
  }
  return out.length >= Math.min(minLineChars, sampleChars) ? out : text.slice(0, sampleChars);
}

export async function languageFilterFn(params: LanguageParams, configDir = '.'): Promise<(doc: Doc, stats?: StageRecorder) => Drop | undefined> {
  if (params.model !== undefined) return keepLanguages(params, fastTextLanguageDetector(params.model, configDir), (text) => text, params.model, params.model);
  const detector = await loadFastEld();
  return keepLanguages(params, detector, (text) => languageSample(text, params.sample_chars, params.min_line_chars), 'eld', 'eld/small');
}

function keepLanguages(
  params: LanguageParams,
  detector: { languages: readonly string[]; detect(text: string): Detection },
  sample: (text: string) => string,
  backend: string,
  database: string,
): (doc: Doc, stats?: StageRecorder) => Drop | undefined {
  const unknown = params.keep.filter((code) => !detector.languages.includes(code));
  if (unknown.length > 0) {
    throw new SluiceError('SLUICE_CONFIG_INVALID', `language.keep: ${backend} cannot detect ${unknown.join(', ')}`, {
      hint: `${database} knows ${detector.languages.join(', ')}`,
    });
  }
  const keep = params.keep.length > 0 ? new Set(params.keep) : undefined;
  return (doc, stats) => {
    const detected = detector.detect(sample(doc.text));
    const language = detected.language;
    const score = Math.round(detected.score * 10000) / 10000;
    doc.meta['language'] = language;
    doc.meta['language_score'] = score;
    stats?.histogram('language', language);
    if (params.label_only) return undefined;
    if (keep !== undefined && !keep.has(language)) return drop('language_not_kept', { language, score });
    if (score < params.min_score) return drop('language_low_score', { language, score, min: params.min_score });
    return undefined;
  };
}

export const languageFilter = defineFilter({
  name: 'language',
  summary: 'language ID with eld (60 languages, offline): sets meta.language and meta.language_score, keeps the listed languages',
  params: languageParams,
  create: (params, env) => languageFilterFn(params, env.configDir),
});
