/**
 * Stage `tokenize`: sets `doc.tokens` (the shard writer stores them as input_ids and
 * num_tokens) and records the tokenizer in the manifest.
 *
 * Documents are data: a special-token string inside a document (`<|endoftext|>` typed in a forum
 * post) is encoded as ordinary text. The only special token is the EOS sluice appends.
 *
 * `eos` is off by default: sluice's loader and its exports put the EOS between documents
 * themselves, so ids stored with an EOS would end up followed by two. Turn it on for consumers
 * that read input_ids as they are. The manifest always records the EOS id (the loader needs it).
 *
 * `max_tokens` rejects (reason `too_many_tokens`) rather than truncates: a truncated document
 * would carry ids that no longer match its text, and the loader packs long documents across
 * sequences anyway; the rejects keep what was dropped inspectable.
 */
import { z } from '../vendor/zod.js';
import { SluiceError } from '../core/errors.js';
import { defineStage } from '../core/stage.js';
import { log2Bucket } from '../core/stats.js';
import { IdBuffer } from '../core/id-buffer.js';
import type { Tokenizer } from './tokenizer.js';

export const tokenizeStage = defineStage({
  name: 'tokenize',
  summary: 'byte-level BPE (tiktoken-exact): adds input_ids and num_tokens to each document',
  params: z
    .object({
      /** cl100k_base, o200k_base, p50k_base, r50k_base, gpt2, or a path: trained tokenizer dir, tokenizer.json, .tiktoken. */
      tokenizer: z.string().default('cl100k_base'),
      /** Store the end-of-text id after every document's ids (off: the loader and exports add it). */
      eos: z.boolean().default(false),
      /** Which special token is the EOS (default: <|endoftext|>, or <|end_of_text|>, </s>). */
      eos_token: z.string().optional(),
      /** Reject documents with more tokens than this (EOS included). */
      max_tokens: z.number().int().positive().optional(),
      /** For a bare .tiktoken file: the pattern, as a standard name or a regex (default cl100k_base's). */
      pattern: z.string().optional(),
      /** For a bare .tiktoken file: special tokens and their ids. */
      special_tokens: z.record(z.string(), z.number().int().nonnegative()).optional(),
    })
    .strict(),
  async build(params, env) {
    // build checks the spec and learns the manifest facts; the encoder is built on the first
    // document (the leader builds every stage and never encodes)
    const { tokenizerHandle } = await import('./handle.js');
    const { defaultEos } = await import('./vocabulary.js');
    const { unknownTokenizer } = await import('./standard.js');
    // a misspelt name is a pipeline error like any other: exit 2, with the name it was meant to be
    const unknown = unknownTokenizer(params.tokenizer, env.configDir);
    if (unknown) throw new SluiceError('SLUICE_CONFIG_INVALID', `tokenize.tokenizer: ${unknown.message}`, { path: 'tokenize.tokenizer', hint: `${unknown.hint} (relative to the pipeline file)` });
    const vocab = tokenizerHandle({
      tokenizer: params.tokenizer,
      baseDir: env.configDir,
      ...(params.pattern !== undefined ? { pattern: params.pattern } : {}),
      ...(params.special_tokens !== undefined ? { specialTokens: params.special_tokens } : {}),
    });
    // The EOS id goes into the manifest whether or not it is stored after each document.
    let eosId: number;
    if (params.eos_token !== undefined) {
      const id = vocab.specialTokens.get(params.eos_token);
      if (id === undefined) {
        throw new SluiceError('SLUICE_CONFIG_INVALID', `tokenize.eos_token: ${JSON.stringify(params.eos_token)} is not a special token of ${vocab.name}`, {
          path: 'tokenize.eos_token',
          hint: `special tokens: ${[...vocab.specialTokens.keys()].join(', ') || '(none)'}`,
        });
      }
      eosId = id;
    } else {
      const eos = defaultEos(vocab.specialTokens);
      if (!eos) {
        throw new SluiceError('SLUICE_CONFIG_INVALID', `tokenize: ${vocab.name} has no end-of-text special token`, {
          path: 'tokenize.eos_token',
          hint: 'set eos_token to one of its special tokens: the manifest records it and the loader puts it between documents',
        });
      }
      eosId = eos.id;
    }
    const appendEos = params.eos;
    const maxTokens = params.max_tokens;
    return {
      kind: 'stream',
      manifest: { tokenizer: { name: vocab.name, vocab_size: vocab.size, sha256: vocab.sha256, eos_id: eosId } },
      run: async function* (docs, ctx) {
        const buffer = new IdBuffer(1 << 16);
        let tokenizer: Tokenizer | undefined;
        for await (const doc of docs) {
          tokenizer ??= await vocab.load();
          buffer.reset();
          tokenizer.encodeOrdinaryInto(doc.text, buffer);
          if (appendEos) buffer.push(eosId);
          const n = buffer.length;
          if (maxTokens !== undefined && n > maxTokens) {
            ctx.reject(doc, 'too_many_tokens', { tokens: n, max_tokens: maxTokens });
            continue;
          }
          doc.tokens = buffer.toInt32Array();
          ctx.stats.count('tokens', n);
          ctx.stats.histogram('tokens_per_doc', log2Bucket(n));
          yield doc;
        }
      },
    };
  },
});
