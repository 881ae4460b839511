/**
 * Reading and writing fastText's binary model format (`.bin`, and `.ftz` for quantized models):
 * magic and version, the training arguments, the dictionary, then the input matrix (dense or
 * product-quantized) and the output matrix. Only supervised models are accepted; anything that
 * does not add up (wrong magic, word-vector models, shapes that disagree, a short or overlong
 * file) is refused with an error naming the file.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { SluiceError } from '../core/errors.js';
import { tempPathFor } from '../io/atomic.js';
import { Dictionary, LABEL, WORD, type DictEntry } from './dictionary.js';
import { DenseMatrix, QuantMatrix, type Matrix } from './matrix.js';
import { LOSS_CODES, lossName, MODEL_SUPERVISED, type ModelArgs } from './model-args.js';
import { ModelReader } from './model-reader.js';
import { readProductQuantizer } from './product-quantizer.js';

export const FASTTEXT_MAGIC = 793712314;
export const FASTTEXT_VERSION = 12;
export const LABEL_PREFIX = '__label__';

export interface FastTextModel {
  readonly file: string;
  readonly args: ModelArgs;
  readonly dict: Dictionary;
  readonly input: Matrix;
  readonly output: Matrix;
  readonly quantized: boolean;
}

const MODEL_KINDS: Record<number, string> = { 1: 'cbow', 2: 'skipgram' };

function readArgs(r: ModelReader): ModelArgs {
  const dim = r.i32('dim');
  const ws = r.i32('ws');
  const epoch = r.i32('epoch');
  const minCount = r.i32('minCount');
  const neg = r.i32('neg');
  const wordNgrams = r.i32('wordNgrams');
  const lossCode = r.i32('loss');
  const model = r.i32('model');
  const bucket = r.i32('bucket');
  const minn = r.i32('minn');
  const maxn = r.i32('maxn');
  const lrUpdateRate = r.i32('lrUpdateRate');
  const t = r.f64('t');
  if (model !== MODEL_SUPERVISED) {
    const kind = MODEL_KINDS[model];
    if (kind !== undefined) {
      throw new SluiceError('SLUICE_CONFIG_INVALID', `${r.file} is a fastText ${kind} word-vector model, not a supervised classifier`, {
        file: r.file,
        hint: 'use a model trained with `fasttext supervised` (or `sluice classifier train`), such as lid.176.bin',
      });
    }
    throw r.damaged(`unknown model kind ${model}`);
  }
  const loss = lossName(lossCode);
  if (loss === undefined) throw r.damaged(`unknown loss ${lossCode}`);
  if (dim <= 0 || dim > 1 << 16) throw r.damaged(`dim ${dim} is out of range`);
  if (bucket < 0 || minn < 0 || maxn < 0 || wordNgrams < 0) throw r.damaged(`negative bucket/minn/maxn/wordNgrams (${bucket}/${minn}/${maxn}/${wordNgrams})`);
  return { dim, ws, epoch, minCount, neg, wordNgrams, loss, model, bucket, minn, maxn, lrUpdateRate, t };
}

function readDictionary(r: ModelReader, args: ModelArgs, version: number): Dictionary {
  const size = r.i32('dictionary size');
  const nwords = r.i32('dictionary word count');
  const nlabels = r.i32('dictionary label count');
  const ntokens = r.i64('dictionary token count');
  const pruneSize = r.i64('dictionary prune size');
  if (size < 0 || nwords < 0 || nlabels <= 0 || nwords + nlabels !== size) throw r.damaged(`dictionary counts disagree (size ${size}, words ${nwords}, labels ${nlabels})`);
  // each entry takes at least 10 bytes (NUL, count, type): a huge size in a small file is damage
  if (size * 10 > r.size - r.offset) throw r.damaged(`dictionary claims ${size} entries`);
  const entries: DictEntry[] = [];
  let words = 0;
  for (let i = 0; i < size; i++) {
    const bytes = r.cstring(`dictionary entry ${i}`);
    const count = r.i64(`count of dictionary entry ${i}`);
    const type = r.u8(`type of dictionary entry ${i}`);
    if (type !== WORD && type !== LABEL) throw r.damaged(`dictionary entry ${i} has type ${type}`);
    // fastText keeps words before labels (its threshold() sorts them so), and label ids count from nwords
    if ((type === WORD) !== i < nwords) throw r.damaged(`dictionary entry ${i} is a ${type === WORD ? 'word' : 'label'} out of place`);
    if (type === WORD) words++;
    entries.push({ bytes, count, type });
  }
  if (words !== nwords) throw r.damaged(`dictionary has ${words} words, header says ${nwords}`);
  let prune: Map<number, number> | undefined;
  if (pruneSize >= 0) {
    prune = new Map();
    for (let i = 0; i < pruneSize; i++) {
      const from = r.i32('prune index');
      const to = r.i32('prune index');
      prune.set(from, to);
    }
  } else if (pruneSize !== -1) {
    throw r.damaged(`prune size ${pruneSize}`);
  }
  // version 11 supervised models predate subwords in classifiers; fastText ignores their maxn
  const maxn = version === 11 ? 0 : args.maxn;
  return new Dictionary(entries, { minn: args.minn, maxn, bucket: args.bucket, wordNgrams: args.wordNgrams, label: LABEL_PREFIX }, ntokens, prune);
}

function readBool(r: ModelReader, what: string): boolean {
  const b = r.u8(what);
  if (b > 1) throw r.damaged(`${what} flag is ${b}`);
  return b === 1;
}

/** `summed`: the input matrix, whose rows prediction adds up (kept where the SIMD kernel reads them). */
function readDense(r: ModelReader, what: string, summed = false): DenseMatrix {
  const rows = r.i64(`${what} rows`);
  const cols = r.i64(`${what} columns`);
  if (rows < 0 || cols <= 0) throw r.damaged(`${what} has shape ${rows}×${cols}`);
  const floats = `${what} (${rows}×${cols} floats)`;
  if (!summed) return new DenseMatrix(rows, cols, r.f32array(rows * cols, floats));
  r.need(rows * cols * 4, floats);
  return DenseMatrix.forSumming(rows, cols, (data) => r.bytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), floats));
}

function readQuant(r: ModelReader, what: string): QuantMatrix {
  const qnorm = readBool(r, `${what} qnorm`);
  const rows = r.i64(`${what} rows`);
  const cols = r.i64(`${what} columns`);
  const codesize = r.i32(`${what} code size`);
  if (rows < 0 || cols <= 0 || codesize < 0) throw r.damaged(`${what} has shape ${rows}×${cols}, ${codesize} codes`);
  const codes = new Uint8Array(codesize);
  r.bytes(codes, `${what} codes`);
  const pq = readProductQuantizer(r, `${what} quantizer`);
  if (pq.dim !== cols || codesize !== rows * pq.nsubq) throw r.damaged(`${what}: ${codesize} codes for ${rows} rows of ${pq.nsubq} sub-vectors, quantizer dim ${pq.dim} for ${cols} columns`);
  if (!qnorm) return new QuantMatrix(rows, cols, codes, pq);
  const normCodes = new Uint8Array(rows);
  r.bytes(normCodes, `${what} norm codes`);
  const npq = readProductQuantizer(r, `${what} norm quantizer`);
  if (npq.dim !== 1) throw r.damaged(`${what} norm quantizer has dim ${npq.dim}`);
  return new QuantMatrix(rows, cols, codes, pq, { codes: normCodes, pq: npq });
}

/** Loads a supervised fastText model (`.bin` or quantized `.ftz`). */
export function loadModel(file: string): FastTextModel {
  const r = new ModelReader(file);
  try {
    if (r.size < 8) throw r.damaged('shorter than the 8-byte header');
    const magic = r.i32('magic');
    if (magic !== FASTTEXT_MAGIC) {
      throw new SluiceError('SLUICE_CONFIG_INVALID', `${file} is not a fastText model (no fastText signature at its start)`, {
        file,
        hint: 'expected a .bin or .ftz written by fastText or `sluice classifier train`',
      });
    }
    const version = r.i32('version');
    if (version > FASTTEXT_VERSION || version < 11) throw r.damaged(`format version ${version}; fastText 0.9 writes ${FASTTEXT_VERSION}`);
    const args = readArgs(r);
    const dict = readDictionary(r, args, version);
    const quantInput = readBool(r, 'quantized input');
    const input = quantInput ? readQuant(r, 'input matrix') : readDense(r, 'input matrix', true);
    if (!quantInput && dict.pruneidx !== undefined) throw r.damaged('a pruned dictionary with a dense input matrix (an outdated model; fastText refuses it too)');
    const inputRows = dict.nwords + (dict.pruneidx !== undefined ? dict.pruneidx.size : args.bucket);
    if (input.rows !== inputRows || input.cols !== args.dim) throw r.damaged(`input matrix is ${input.rows}×${input.cols}, expected ${inputRows}×${args.dim}`);
    const qout = readBool(r, 'quantized output');
    const output = quantInput && qout ? readQuant(r, 'output matrix') : readDense(r, 'output matrix');
    if (output.rows !== dict.nlabels || output.cols !== args.dim) throw r.damaged(`output matrix is ${output.rows}×${output.cols}, expected ${dict.nlabels}×${args.dim}`);
    if (r.offset !== r.size) throw r.damaged(`${r.size - r.offset} bytes follow the output matrix`);
    return { file, args, dict, input, output, quantized: quantInput };
  } finally {
    r.close();
  }
}

/** Little-endian writes into one growing buffer for the header and dictionary. */
class HeaderWriter {
  private chunks: Buffer[] = [];
  i32(v: number): void {
    const b = Buffer.allocUnsafe(4);
    b.writeInt32LE(v);
    this.chunks.push(b);
  }
  i64(v: number): void {
    const b = Buffer.allocUnsafe(8);
    b.writeBigInt64LE(BigInt(v));
    this.chunks.push(b);
  }
  f64(v: number): void {
    const b = Buffer.allocUnsafe(8);
    b.writeDoubleLE(v);
    this.chunks.push(b);
  }
  u8(v: number): void {
    this.chunks.push(Buffer.from([v]));
  }
  bytes(b: Uint8Array): void {
    this.chunks.push(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  take(): Buffer {
    const out = Buffer.concat(this.chunks);
    this.chunks = [];
    return out;
  }
}

function writeDense(w: HeaderWriter, m: DenseMatrix, fd: number): void {
  w.i64(m.rows);
  w.i64(m.cols);
  writeSync(fd, w.take());
  const bytes = new Uint8Array(m.data.buffer, m.data.byteOffset, m.data.byteLength);
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, Math.min(1 << 24, bytes.length - at));
}

/** Writes a dense supervised model in fastText's format (version 12), atomically. */
export function saveModel(file: string, model: { args: ModelArgs; dict: Dictionary; input: DenseMatrix; output: DenseMatrix }): void {
  const { args, dict } = model;
  const w = new HeaderWriter();
  w.i32(FASTTEXT_MAGIC);
  w.i32(FASTTEXT_VERSION);
  for (const v of [args.dim, args.ws, args.epoch, args.minCount, args.neg, args.wordNgrams, LOSS_CODES[args.loss], MODEL_SUPERVISED, args.bucket, args.minn, args.maxn, args.lrUpdateRate]) w.i32(v);
  w.f64(args.t);
  w.i32(dict.size);
  w.i32(dict.nwords);
  w.i32(dict.nlabels);
  w.i64(dict.ntokens);
  w.i64(-1);
  for (const e of dict.entries) {
    w.bytes(e.bytes);
    w.u8(0);
    w.i64(e.count);
    w.u8(e.type);
  }
  w.u8(0); // input not quantized
  const tmp = tempPathFor(file);
  let fd: number | undefined;
  try {
    mkdirSync(dirname(file), { recursive: true });
    fd = openSync(tmp, 'w');
    writeDense(w, model.input, fd);
    w.u8(0); // output not quantized
    writeDense(w, model.output, fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw new SluiceError('SLUICE_OUTPUT', `cannot write fastText model ${file}: ${(err as Error).message}`, { file, cause: err });
  }
}
