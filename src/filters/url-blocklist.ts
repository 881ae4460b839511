/**
 * URL rules of RefinedWeb / datatrove's URLFilter, on `doc.meta.url` (configurable):
 * `domain` when the registered domain (public-suffix aware, via tldts) is listed, `subdomain`
 * when the full host name is listed, `url` for a listed URL, `hard_blacklisted` for a banned word
 * among the URL's alphanumeric words, `soft_blacklisted` for `soft_word_threshold` or more soft
 * words, `blacklisted_subword` for a banned sub-word anywhere in the URL with punctuation removed.
 *
 * Lists are data files: domain and URL lists come from the pipeline (`domain_files`,
 * `url_files`, one entry per line, e.g. the UT1 blacklists' `adult/domains`) plus inline
 * `domains`/`urls`; the word lists default to the RefinedWeb lists in data/url/. URL words are
 * compared lower-cased (datatrove compares them as written).
 */
import { createRequire } from 'node:module';
import type * as Tldts from 'tldts';
import { z } from '../vendor/zod.js';
import type { Doc } from '../core/doc.js';
import { defineFilter, drop, type Drop } from '../core/stage.js';
import type { StageRecorder } from '../core/stats.js';
import { readFilterList, readPipelineList } from './data-files.js';
import { literalAlternation } from './text/regex.js';

export const urlBlocklistParams = z
  .object({
    url_field: z.string().min(1).default('url'),
    domains: z.array(z.string().min(1)).default([]),
    domain_files: z.array(z.string().min(1)).default([]),
    urls: z.array(z.string().min(1)).default([]),
    url_files: z.array(z.string().min(1)).default([]),
    /** Use the RefinedWeb banned / soft-banned / sub-word lists shipped in data/url/. */
    builtin_word_lists: z.boolean().default(true),
    banned_words: z.array(z.string().min(1)).default([]),
    soft_banned_words: z.array(z.string().min(1)).default([]),
    banned_subwords: z.array(z.string().min(1)).default([]),
    soft_word_threshold: z.number().int().positive().default(2),
    /** What to do with a document without a URL: keep it (counted as `no_url`) or drop it. */
    missing_url: z.enum(['keep', 'drop']).default('keep'),
  })
  .strict();

export type UrlBlocklistParams = z.output<typeof urlBlocklistParams>;

const NON_ALNUM = /[^a-zA-Z0-9]+/;
const NON_ALNUM_G = /[^a-zA-Z0-9]+/g;
const normalizeWord = (w: string) => w.replace(NON_ALNUM_G, '').toLowerCase();

const require = createRequire(import.meta.url);

function readListFiles(files: readonly string[], configDir: string, key: string): string[] {
  return files.flatMap((file) => readPipelineList(file, configDir, 'url_blocklist', key));
}

export function urlBlocklist(params: UrlBlocklistParams, configDir: string): (doc: Doc, stats?: StageRecorder) => Drop | undefined {
  const domains = new Set([...params.domains, ...readListFiles(params.domain_files, configDir, 'domain_files')].map((d) => d.trim().toLowerCase()));
  const urls = new Set([...params.urls, ...readListFiles(params.url_files, configDir, 'url_files')].map((u) => u.trim()));
  const builtin = (name: string) => (params.builtin_word_lists ? readFilterList(`url/${name}.txt`) : []);
  const banned = new Set([...builtin('banned_words'), ...params.banned_words].map(normalizeWord).filter((w) => w !== ''));
  const soft = new Set([...builtin('soft_banned_words'), ...params.soft_banned_words].map(normalizeWord).filter((w) => w !== ''));
  const subwords = [...new Set([...builtin('banned_subwords'), ...params.banned_subwords].map(normalizeWord).filter((w) => w !== ''))];
  const subwordRe = subwords.length > 0 ? new RegExp(literalAlternation(subwords)) : undefined;
  // tldts (about 90 ms of CPU to load) only when there are domains to match; required, not
  // imported, because this builder is synchronous
  const { parse } = domains.size > 0 ? (require('tldts') as typeof Tldts) : { parse: undefined };

  return (doc, stats) => {
    const url = doc.meta[params.url_field];
    if (typeof url !== 'string' || url === '') {
      if (params.missing_url === 'drop') return drop('no_url');
      stats?.count('no_url');
      return undefined;
    }
    if (parse !== undefined) {
      const info = parse(url);
      if (info.domain !== null && domains.has(info.domain)) return drop('domain', { domain: info.domain });
      if (info.hostname !== null && domains.has(info.hostname.toLowerCase())) return drop('subdomain', { host: info.hostname });
    }
    if (urls.size > 0 && (urls.has(url) || urls.has(url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')))) return drop('url');
    if (banned.size > 0 || soft.size > 0) {
      let softHits = 0;
      const seen = new Set<string>();
      for (const raw of url.split(NON_ALNUM)) {
        if (raw === '') continue;
        const w = raw.toLowerCase();
        if (seen.has(w)) continue;
        seen.add(w);
        if (banned.has(w)) return drop('hard_blacklisted', { word: w });
        if (soft.has(w)) softHits++;
      }
      if (softHits >= params.soft_word_threshold) return drop('soft_blacklisted', { words: softHits });
    }
    if (subwordRe !== undefined) {
      const m = subwordRe.exec(normalizeWord(url));
      if (m !== null) return drop('blacklisted_subword', { subword: m[0] });
    }
    return undefined;
  };
}

export const urlBlocklistFilter = defineFilter({
  name: 'url_blocklist',
  summary: 'drop documents whose meta.url is on a domain/subdomain/URL blocklist or carries banned words (RefinedWeb lists)',
  params: urlBlocklistParams,
  create: (params, env) => urlBlocklist(params, env.configDir),
});
