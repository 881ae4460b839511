import { once } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { SluiceError } from '../core/errors.js';
import { openDecoded } from '../io/decompress.js';
import { localFile, stdinFile } from '../io/input.js';
import { splitLines } from '../io/lines.js';
import { IdBuffer } from '../core/id-buffer.js';
import { loadTokenizer, type TokenizerSpec } from '../tokenize/load.js';
import type { EncodeOptions, Tokenizer } from '../tokenize/tokenizer.js';
import { BpeTrainer, TRAINED_FILES, writeTrainedTokenizer } from '../tokenize/trainer.js';
import { unknownTokenizer } from '../tokenize/standard.js';
import { intOption, stringOption, usageError, type ParsedArgs } from './args.js';
import type { CliIO } from './command.js';
import { spec } from './specs/tokenizer.js';
import { BadRecords } from './tokenizer-bad-records.js';
import { documentsFrom, type DocumentSourceOptions } from './tokenizer-documents.js';

const SUBCOMMANDS = ['encode', 'decode', 'train', 'info'] as const;

function tokenizerSpec(values: ParsedArgs['values']): TokenizerSpec {
  const pattern = stringOption(values, 'pattern');
  const tokenizer = stringOption(values, 'tokenizer') ?? 'cl100k_base';
  // a misspelt name is a usage error (exit 2) with the name it was meant to be, as in a pipeline file
  const unknown = unknownTokenizer(tokenizer, '.');
  if (unknown) throw new SluiceError('SLUICE_USAGE', `--tokenizer: ${unknown.message}`, { hint: unknown.hint });
  return { tokenizer, ...(pattern !== undefined ? { pattern } : {}) };
}

/** --text-field, and bad records counted (or, with --strict, fatal) in `bad`. */
function documentOptions(values: ParsedArgs['values'], bad: BadRecords): DocumentSourceOptions {
  const textField = stringOption(values, 'text-field');
  return { ...(textField !== undefined ? { textField } : {}), onInvalid: (file, r) => bad.add(file, r) };
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(',').filter((s) => s !== '');
}

/** Writes lines to stdout in batches, waiting for the pipe to drain (large encodes, `| head`). */
class LineWriter {
  private parts: string[] = [];
  private size = 0;
  constructor(private readonly io: CliIO) {}
  async line(s: string): Promise<void> {
    this.parts.push(s);
    this.size += s.length;
    if (this.size > 1 << 20) await this.flush();
  }
  async flush(): Promise<void> {
    if (this.parts.length === 0) return;
    const text = this.parts.join('\n');
    this.parts = [];
    this.size = 0;
    this.io.out(text);
    if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
  }
}

async function encodeCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const tok = loadTokenizer(tokenizerSpec(args.values));
  const allowed = stringOption(args.values, 'allowed-special');
  const opts: EncodeOptions | undefined = allowed === undefined ? undefined : { allowedSpecial: allowed === 'all' ? 'all' : list(allowed)!, disallowedSpecial: [] };
  const eos = Boolean(args.values['eos']);
  const eosId = eos ? eosIdOf(tok) : undefined;
  const buffer = new IdBuffer(1 << 16);
  const encode = (text: string): number[] => {
    buffer.reset();
    if (opts) tok.encodeInto(text, buffer, opts);
    else tok.encodeOrdinaryInto(text, buffer);
    if (eosId !== undefined) buffer.push(eosId);
    return Array.from(buffer.view());
  };
  const literal = stringOption(args.values, 'text');
  if (literal !== undefined) {
    io.out(JSON.stringify(encode(literal)));
    return 0;
  }
  const files = args.positionals.length > 0 ? args.positionals : ['-'];
  const out = new LineWriter(io);
  const bad = new BadRecords(Boolean(args.values['strict']));
  for await (const doc of documentsFrom(files, documentOptions(args.values, bad))) {
    await out.line(`{"id":${JSON.stringify(doc.id)},"input_ids":[${encode(doc.text).join(',')}]}`);
  }
  await out.flush();
  bad.report(io.log);
  return 0;
}

function eosIdOf(tok: Tokenizer): number {
  const eos = tok.vocab.defaultEos();
  if (!eos) throw new SluiceError('SLUICE_USAGE', `${tok.name} has no end-of-text special token`, { hint: 'drop --eos' });
  return eos.id;
}

async function decodeCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const tok = loadTokenizer(tokenizerSpec(args.values));
  const ids = stringOption(args.values, 'ids');
  if (ids !== undefined) {
    const parsed = ids
      .split(/[\s,[\]]+/)
      .filter((s) => s !== '')
      .map(Number);
    if (parsed.some((n) => !Number.isInteger(n) || n < 0)) throw new SluiceError('SLUICE_USAGE', '--ids takes non-negative integers separated by commas');
    io.out(tok.decode(parsed));
    return 0;
  }
  const files = args.positionals.length > 0 ? args.positionals : ['-'];
  const out = new LineWriter(io);
  for (const file of files) {
    const input = file === '-' ? stdinFile() : localFile(file);
    const { bytes } = await openDecoded(input);
    for await (const line of splitLines(bytes)) {
      if (line.text.trim() === '') continue;
      let record: { id?: unknown; input_ids?: unknown };
      try {
        record = JSON.parse(line.text) as typeof record;
      } catch {
        throw new SluiceError('SLUICE_BAD_RECORD', `${file}:${line.lineNo}: not JSON`, { file, record: line.lineNo });
      }
      const ids = record.input_ids;
      if (!Array.isArray(ids) || ids.some((n) => !Number.isInteger(n))) {
        throw new SluiceError('SLUICE_BAD_RECORD', `${file}:${line.lineNo}: no integer input_ids array`, { file, record: line.lineNo });
      }
      await out.line(JSON.stringify({ id: record.id ?? `${file}:${line.lineNo}`, text: tok.decode(ids as number[]) }));
    }
  }
  await out.flush();
  return 0;
}

async function trainCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const vocabSize = intOption(args.values, 'vocab-size');
  const out = stringOption(args.values, 'out');
  if (vocabSize === undefined || out === undefined || args.positionals.length === 0) {
    throw new SluiceError('SLUICE_USAGE', 'tokenizer train needs --vocab-size, --out and at least one input', { hint: 'sluice tokenizer train --vocab-size 32000 --out DIR corpus.jsonl ...' });
  }
  const minFrequency = intOption(args.values, 'min-frequency');
  const maxPretokens = intOption(args.values, 'max-pretokens');
  const specials = list(stringOption(args.values, 'special-tokens'));
  const pattern = stringOption(args.values, 'pattern');
  const modelMaxLength = intOption(args.values, 'model-max-length');
  const trainer = new BpeTrainer({
    vocabSize,
    ...(minFrequency !== undefined ? { minFrequency } : {}),
    ...(maxPretokens !== undefined ? { maxPretokens } : {}),
    ...(specials !== undefined ? { specialTokens: specials } : {}),
    ...(pattern !== undefined ? { pattern } : {}),
    name: stringOption(args.values, 'name') ?? 'sluice-bpe',
  });
  const started = performance.now();
  const bad = new BadRecords(Boolean(args.values['strict']));
  let docs = 0;
  for await (const doc of documentsFrom(args.positionals, documentOptions(args.values, bad))) {
    trainer.add(doc.text);
    if (++docs % 100_000 === 0) io.log.info(`counted ${docs.toLocaleString('en-US')} documents`);
  }
  const counted = performance.now();
  bad.report(io.log);
  // a wrong --text-field makes every record bad: say so rather than train on nothing
  if (docs === 0 && bad.count > 0)
    throw new SluiceError('SLUICE_BAD_RECORD', `no documents to train on: all ${bad.count.toLocaleString('en-US')} records were bad`, { hint: 'check --text-field and the inputs named above' });
  io.log.info(`counted pre-tokens of ${docs.toLocaleString('en-US')} documents in ${((counted - started) / 1000).toFixed(1)} s; learning merges`);
  const trained = trainer.finish((learned, total) => io.log.debug(`learned ${learned}/${total}`));
  await mkdir(out, { recursive: true });
  const meta = await writeTrainedTokenizer(out, trained, modelMaxLength !== undefined ? { modelMaxLength } : {});
  const r = trained.report;
  io.log.info(`learned ${r.learned_tokens} tokens in ${((performance.now() - counted) / 1000).toFixed(1)} s (stopped by ${r.stop})`);
  io.out(
    [
      `wrote ${out}/${TRAINED_FILES.join(', ')}`,
      `vocab size ${meta.vocab_size} (requested ${vocabSize}); ${r.distinct.toLocaleString('en-US')} distinct pre-tokens from ${r.documents.toLocaleString('en-US')} documents` +
        (bad.count > 0 ? ` (${bad.count.toLocaleString('en-US')} bad record${bad.count === 1 ? '' : 's'} skipped)` : ''),
      r.prunes > 0 ? `pre-token table pruned ${r.prunes} time(s), counts <= ${r.pruneThreshold} dropped` : 'pre-token table never pruned',
      `sha256 ${meta.sha256}`,
    ].join('\n'),
  );
  return 0;
}

async function infoCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const tok = loadTokenizer(tokenizerSpec(args.values));
  const v = tok.vocab;
  const specials = [...v.specialTokens].sort((a, b) => a[1] - b[1]);
  const info = {
    name: v.name,
    source: v.source,
    vocab_size: v.size,
    ordinary_tokens: v.tokens.count(),
    special_tokens: Object.fromEntries(specials),
    eos: v.defaultEos() ?? null,
    sha256: v.sha256,
    pattern: v.pattern,
    merge_rule: v.mergeRule.kind === 'rank' ? 'rank (tiktoken)' : `merges (HF, ${v.mergeRule.pairs.length / 2} pairs)`,
  };
  if (args.values['json']) {
    io.out(JSON.stringify(info, null, 2));
    return 0;
  }
  io.out(
    [
      `name            ${info.name}`,
      `source          ${info.source}`,
      `vocab size      ${info.vocab_size}`,
      `ordinary tokens ${info.ordinary_tokens}`,
      `special tokens  ${specials.map(([t, id]) => `${t}=${id}`).join(' ') || '(none)'}`,
      `eos             ${info.eos ? `${info.eos.token}=${info.eos.id}` : '(none)'}`,
      `sha256          ${info.sha256}`,
      `merge rule      ${info.merge_rule}`,
      `pattern         ${info.pattern}`,
    ].join('\n'),
  );
  return 0;
}

/** `sluice tokenizer` (options and help in specs/tokenizer.ts). */
export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const [sub, ...rest] = args.positionals;
  const subArgs: ParsedArgs = { values: args.values, positionals: rest };
  if (!SUBCOMMANDS.includes(sub as (typeof SUBCOMMANDS)[number])) throw usageError(spec, sub === undefined ? 'tokenizer: which subcommand?' : `tokenizer: no subcommand "${sub}"`);
  switch (sub) {
    case 'encode':
      return encodeCommand(subArgs, io);
    case 'decode':
      return decodeCommand(subArgs, io);
    case 'train':
      return trainCommand(subArgs, io);
    default:
      return infoCommand(subArgs, io);
  }
}
