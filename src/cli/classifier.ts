/**
 * `sluice classifier train` and `sluice classifier predict`. Training reads every labelled
 * document into memory (a supervised fastText model is trained from a file it reads repeatedly;
 * here the lines are tokenized once), holds out a seeded fraction for the report, and writes a
 * fastText `.bin`.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import fg from 'fast-glob';
import { SluiceError } from '../core/errors.js';
import { docUniform, scoredText } from '../classify/stage.js';
import { evaluate, formatReport } from '../classify/metrics.js';
import { loadModel, saveModel } from '../classify/model-file.js';
import { Classifier } from '../classify/predict.js';
import { trainOptions, trainSupervised, type TrainOptions } from '../classify/train.js';
import type { TrainLine } from '../classify/train-dictionary.js';
import { LOSS_CODES, type LossName } from '../classify/model-args.js';
import { intOption, stringOption, usageError, type ParsedArgs } from './args.js';
import type { CliIO } from './command.js';
import { spec } from './specs/classifier.js';
import { documentsFrom } from './tokenizer-documents.js';

/** A pipeline output directory stands for its shards; other directories for their JSONL and Parquet files. */
async function expand(path: string): Promise<string[]> {
  const info = await stat(path).catch(() => undefined);
  if (info === undefined) throw new SluiceError('SLUICE_INPUT_MISSING', `${path} does not exist`, { file: path });
  if (!info.isDirectory()) return [path];
  const shards = join(path, 'shards');
  const base = (await stat(shards).catch(() => undefined))?.isDirectory() ? shards : path;
  const files = (await fg(['**/*.parquet', '**/*.jsonl', '**/*.jsonl.gz', '**/*.jsonl.zst'], { cwd: base, absolute: true, ignore: ['**/.sluice/**', '**/rejects/**'] })).sort();
  if (files.length === 0) throw new SluiceError('SLUICE_INPUT_NO_MATCH', `${path} holds no Parquet shards or JSONL files`, { file: path });
  return files;
}

function numberOption(values: ParsedArgs['values'], name: string, test: (n: number) => boolean, what: string): number | undefined {
  const v = stringOption(values, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || !test(n)) throw new SluiceError('SLUICE_USAGE', `--${name} must be ${what} (got "${v}")`);
  return n;
}

function hyperParameters(values: ParsedArgs['values']): TrainOptions {
  const partial: Partial<TrainOptions> = {};
  for (const name of ['dim', 'epoch', 'wordNgrams', 'minn', 'maxn', 'bucket', 'minCount', 'minCountLabel', 'neg', 'lrUpdateRate'] as const) {
    const n = intOption(values, name);
    if (n !== undefined) partial[name] = n;
  }
  const lr = numberOption(values, 'lr', (n) => n > 0, 'a positive number');
  if (lr !== undefined) partial.lr = lr;
  const loss = stringOption(values, 'loss');
  if (loss !== undefined) {
    const name = loss === 'one-vs-all' ? 'ova' : loss;
    if (!Object.hasOwn(LOSS_CODES, name)) throw new SluiceError('SLUICE_USAGE', `--loss must be softmax, hs, ova or ns (got "${loss}")`);
    partial.loss = name as LossName;
  }
  const thread = intOption(values, 'thread');
  if (thread !== undefined && thread !== 1) throw new SluiceError('SLUICE_USAGE', `--thread ${thread}: sluice trains with one thread`, { hint: 'run several trainings side by side instead' });
  partial.seed = intOption(values, 'seed') ?? 0;
  return trainOptions(partial);
}

async function trainCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const v = args.values;
  const labelArgs = (v['label'] as string[] | undefined) ?? [];
  const out = stringOption(v, 'out');
  if (labelArgs.length === 0 || out === undefined || args.positionals.length > 1) throw usageError(spec, 'classifier train: needs --label NAME=PATHS (one or more) and --out MODEL.bin');
  const valid = numberOption(v, 'valid', (n) => n >= 0 && n < 1, 'a fraction in [0, 1)') ?? 0.1;
  const seed = intOption(v, 'seed') ?? 0;
  const maxChars = intOption(v, 'max-chars') ?? 0;
  const maxDocs = intOption(v, 'max-docs');
  const textField = stringOption(v, 'text-field');
  const options = hyperParameters(v);
  const trainLines: TrainLine[] = [];
  const heldOut: TrainLine[] = [];
  const counts = new Map<string, number>();
  for (const arg of labelArgs) {
    const eq = arg.indexOf('=');
    const label = arg.slice(0, eq);
    if (eq <= 0 || !/^[^\s]+$/.test(label) || eq === arg.length - 1) throw new SluiceError('SLUICE_USAGE', `--label ${arg}: expected NAME=PATH[,PATH...] with a label name without spaces`);
    const files = (
      await Promise.all(
        arg
          .slice(eq + 1)
          .split(',')
          .filter((p) => p !== '')
          .map(expand),
      )
    ).flat();
    let n = 0;
    for await (const doc of documentsFrom(files, textField !== undefined ? { textField } : {})) {
      if (maxDocs !== undefined && n >= maxDocs) break;
      n++;
      const line = { labels: [label], text: scoredText(doc.text, maxChars) };
      // the split depends on the seed and the document, not on the order files are read in
      if (docUniform(seed, `${label}\u0000${doc.id}`) < valid) heldOut.push(line);
      else trainLines.push(line);
    }
    counts.set(label, (counts.get(label) ?? 0) + n);
  }
  for (const [label, n] of counts) if (n === 0) throw new SluiceError('SLUICE_INPUT_NO_MATCH', `--label ${label}: no documents`);
  io.log.info(`classifier train: ${trainLines.length} training and ${heldOut.length} held-out documents (${[...counts].map(([l, n]) => `${l} ${n}`).join(', ')})`);
  const started = Date.now();
  const model = trainSupervised(trainLines, options);
  saveModel(out, model);
  const seconds = (Date.now() - started) / 1000;
  const classifier = new Classifier(loadModel(out));
  const report = heldOut.length > 0 ? evaluate(classifier, heldOut, labelArgs[0]!.slice(0, labelArgs[0]!.indexOf('='))) : undefined;
  if (v['json'] === true) {
    io.out(JSON.stringify({ model: out, train: trainLines.length, held_out: heldOut.length, seconds, words: model.dict.nwords, labels: classifier.names, report: report ?? null }, null, 2));
  } else {
    io.out(`wrote ${out}: ${model.dict.nwords} words, ${classifier.names.length} labels, trained on ${trainLines.length} documents in ${seconds.toFixed(1)} s`);
    io.out(report === undefined ? 'no held-out documents (--valid 0)' : `held-out report (${heldOut.length} documents):\n${formatReport(report)}`);
  }
  return 0;
}

/** A probability as C++ streams print it by default (%g, 6 significant digits): what predict-prob shows. */
export function formatProb(x: number): string {
  if (x === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(x)));
  if (exp < -4 || exp >= 6) {
    const [m, e] = x.toExponential(5).split('e') as [string, string];
    const mant = m.includes('.') ? m.replace(/0+$/, '').replace(/\.$/, '') : m;
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return String(Number(x.toPrecision(6)));
}

async function predictCommand(args: ParsedArgs, io: CliIO): Promise<number> {
  const v = args.values;
  const modelPath = stringOption(v, 'model');
  if (modelPath === undefined) throw usageError(spec, 'classifier predict: needs --model MODEL');
  const k = numberOption(v, 'k', (n) => Number.isInteger(n) && (n > 0 || n === -1), 'a positive integer or -1 (all labels)') ?? 1;
  const classifier = new Classifier(loadModel(modelPath));
  const text = stringOption(v, 'text');
  if (text !== undefined) {
    io.out(
      classifier
        .predict(scoredText(text, 0), k)
        .map((p) => `${p.label} ${formatProb(p.prob)}`)
        .join(' '),
    );
    return 0;
  }
  const files = args.positionals.slice(1);
  const textField = stringOption(v, 'text-field');
  let batch: string[] = [];
  for await (const doc of documentsFrom(files.length > 0 ? files : ['-'], textField !== undefined ? { textField } : {})) {
    const preds = classifier.predict(scoredText(doc.text, 0), k);
    batch.push(JSON.stringify({ id: doc.id, labels: preds.map((p) => classifier.names[p.index]), probs: preds.map((p) => Number(p.prob.toPrecision(6))) }));
    if (batch.length >= 1000) {
      io.out(batch.join('\n'));
      batch = [];
    }
  }
  if (batch.length > 0) io.out(batch.join('\n'));
  return 0;
}

export async function run(args: ParsedArgs, io: CliIO): Promise<number> {
  const sub = args.positionals[0];
  if (sub === 'train') return trainCommand(args, io);
  if (sub === 'predict') return predictCommand(args, io);
  throw usageError(spec, sub === undefined ? 'classifier: missing subcommand (train or predict)' : `classifier: unknown subcommand "${sub}" (train or predict)`);
}
