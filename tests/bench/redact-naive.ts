/**
 * The approach the redact stage replaces, kept for side-by-side benchmarks only: one global
 * regex per kind run over the whole text (what the best-known open pipelines do for emails and
 * IPs, extended to the other kinds). Not used by the stage.
 */
import { luhnValid } from '../../src/redact/card.js';
import { ibanChecksumValid } from '../../src/redact/iban.js';

type Replacer = string | ((match: string) => string);

const NAIVE: readonly [RegExp, Replacer][] = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '<EMAIL>'],
  [/\b(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\b/g, '<IP_ADDRESS>'],
  [/(?:\+\d{1,3}[ .-]?)?\(?\b\d{3}\)?[ .-]?\d{3}[ .-]\d{4}\b/g, '<PHONE>'],
  [/\b(?:\d[ -]?){12,18}\d\b/g, (m) => (luhnValid(m.replace(/\D/g, '')) ? '<CREDIT_CARD>' : m)],
  [/\b\d{3}-\d{2}-\d{4}\b/g, '<US_SSN>'],
  [/\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b/g, (m) => (ibanChecksumValid(m.replace(/ /g, '')) ? '<IBAN>' : m)],
  [/\b(?:AKIA[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{36}|xox[bpas]-[A-Za-z0-9-]{10,}|sk_live_[A-Za-z0-9]{24,}|AIza[0-9A-Za-z_-]{35}|eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)\b/g, '<SECRET>'],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g, '<SECRET>'],
];

export function naiveRedact(text: string): string {
  let out = text;
  for (const [re, rep] of NAIVE) out = typeof rep === 'string' ? out.replace(re, rep) : out.replace(re, rep);
  return out;
}

/** The naive email regex alone, for the backtracking demonstration on one long word. */
export function naiveEmail(text: string): string {
  return text.replace(NAIVE[0]![0], '<EMAIL>');
}
