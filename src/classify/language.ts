/**
 * A fastText language-identification model (lid.176.bin, lid.176.ftz, GlotLID) as a backend of
 * the `language` stage: the top label without its `__label__` prefix is the language, its
 * probability the score. The whole document is scored, newlines as spaces (scoredText), as datatrove does.
 */
import { cachedModel } from './model-cache.js';
import { Classifier } from './predict.js';
import { scoredText } from './stage.js';

export interface LanguageDetector {
  readonly languages: readonly string[];
  detect(text: string): { language: string; score: number };
}

export function fastTextLanguageDetector(model: string, configDir: string): LanguageDetector {
  const classifier = new Classifier(cachedModel(model, configDir));
  return {
    languages: classifier.names,
    detect(text) {
      const top = classifier.predict(scoredText(text, 0), 1)[0];
      if (top === undefined) return { language: 'unknown', score: 0 };
      return { language: classifier.names[top.index]!, score: top.prob };
    },
  };
}
