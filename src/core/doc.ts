/** JSON-serialisable metadata carried alongside a document. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type Meta = Record<string, JsonValue>;

/**
 * The one record every stage sees. `id` is unique within a run and stable across reruns
 * (readers derive it from the record's own identity or its position in the input), so a
 * resumed run reproduces the same ids.
 */
export interface Doc {
  id: string;
  text: string;
  /** Corpus label (web, books, reddit, wikipedia, code, ...): the unit of per-source stats and loader mixtures. */
  source: string;
  meta: Meta;
  /** Token ids, present once a `tokenize` stage has run. */
  tokens?: Int32Array;
}
