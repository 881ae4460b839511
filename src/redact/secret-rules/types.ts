/** The shape of a secret rule, shared by the rule tables and the matcher (secret-rules.ts). */

/** One rule as data (the generated gitleaks table, sluice's own rules, a user's rule). */
export interface RuleData {
  readonly id: string;
  /** Lower-case ASCII, two characters or more; any occurrence (case-insensitive) triggers the rule. */
  readonly keywords: readonly string[];
  /** JavaScript regex source without flags (case-insensitive parts are spelled out as [aA]). */
  readonly regex: string;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  readonly entropy?: number;
  /** Capture group holding the secret; default: the first group that matched, else the whole match. */
  readonly secretGroup?: number;
  /** The secret is a placeholder when one of these matches it (unanchored, as gitleaks does). */
  readonly allow?: readonly string[];
  /** ... or when one of these matches the whole match. */
  readonly allowMatch?: readonly string[];
  /** ... or the line the match is on. */
  readonly allowLine?: readonly string[];
  /** ... or when its lower-cased text contains one of these. */
  readonly stopwords?: readonly string[];
  /** false: off unless enabled by id (rules gitleaks binds to file names, which documents lack). */
  readonly enabled?: boolean;
  /**
   * 'keyword': the match starts at the keyword (sticky regex there); 'word': the same, and the
   * keyword must start a word. Unset: the regex searches a window around the keyword.
   */
  readonly anchor?: 'keyword' | 'word';
  /** Global placeholder allowlists do not apply (the rule's own shape is enough). */
  readonly noGlobalAllow?: boolean;
  /** The character at the keyword must be one of these (case-sensitive): a cheap test before the regex. */
  readonly startChars?: string;
  /**
   * For anchored rules that read far past their keyword (curl's arguments): after a failed try,
   * keywords within half this many characters are skipped, so dense keywords cost linear time.
   */
  readonly reach?: number;
  /** The secret must not read as a name or a reference in code (`win32api.RegEnumKey`, `RIPEMD160_CTX`, `Europe/Dublin`). */
  readonly notCode?: boolean;
}
