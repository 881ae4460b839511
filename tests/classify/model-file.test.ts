/**
 * What the model reader refuses, and with which message: files that are not fastText models,
 * word-vector models, truncated and damaged models, trailing bytes. Each error names the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SluiceError } from '../../src/core/errors.js';
import { loadModel, saveModel } from '../../src/classify/model-file.js';
import { Classifier } from '../../src/classify/predict.js';
import { trainOptions, trainSupervised } from '../../src/classify/train.js';
import { labelledLines } from './corpus.js';
import { fasttext, requireFastText } from './fasttext-bin.js';

let dir: string;
let good: Buffer;
let goodFile: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sluice-ft-file-'));
  const lines = labelledLines({ seed: 2, labels: ['x', 'y'], count: 400 }).map((e) => ({ labels: [e.label], text: e.text }));
  goodFile = join(dir, 'good.bin');
  saveModel(goodFile, trainSupervised(lines, trainOptions({ dim: 8, minn: 2, maxn: 3, bucket: 1000 })));
  good = readFileSync(goodFile);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

function refusal(bytes: Uint8Array, name: string): SluiceError {
  const file = join(dir, name);
  writeFileSync(file, bytes);
  try {
    loadModel(file);
  } catch (err) {
    expect(err).toBeInstanceOf(SluiceError);
    const e = err as SluiceError;
    expect(e.message).toContain(file);
    expect(e.file).toBe(file);
    return e;
  }
  throw new Error(`${name} was accepted`);
}

describe('fastText model reader', () => {
  it('loads what it wrote: shapes, labels, arguments', () => {
    const m = loadModel(goodFile);
    expect(m.args).toMatchObject({ dim: 8, minn: 2, maxn: 3, bucket: 1000, loss: 'softmax', model: 3 });
    expect(m.dict.labels).toEqual(expect.arrayContaining(['__label__x', '__label__y']));
    expect(m.input.rows).toBe(m.dict.nwords + 1000);
    expect(m.output.rows).toBe(2);
    expect(new Classifier(m).predict('anything at all', 2)).toHaveLength(2);
  });

  it('refuses a file that is not a fastText model', () => {
    expect(refusal(Buffer.from('hello, this is a text file\n'), 'text.bin').message).toMatch(/not a fastText model/);
    expect(refusal(new Uint8Array(0), 'empty.bin').message).toMatch(/not a valid fastText model.*8-byte header/);
  });

  it('refuses a truncated model at every kind of cut (header, arguments, dictionary, matrices)', () => {
    const cuts = [6, 12, 40, 70, 90, 200, Math.floor(good.length / 2), good.length - 1];
    for (const cut of cuts) {
      const e = refusal(good.subarray(0, cut), `cut-${cut}.bin`);
      expect(e.message).toMatch(/truncated|not a valid fastText model/);
    }
    expect(refusal(good.subarray(0, good.length - 1), 'cut-last.bin').message).toMatch(/truncated: output matrix/);
  });

  it('refuses trailing bytes, an unknown loss, inconsistent dictionary counts and a newer format', () => {
    expect(refusal(Buffer.concat([good, Buffer.from([1, 2, 3])]), 'trailing.bin').message).toMatch(/3 bytes follow the output matrix/);
    const loss = Buffer.from(good);
    loss.writeInt32LE(9, 8 + 6 * 4);
    expect(refusal(loss, 'loss.bin').message).toMatch(/unknown loss 9/);
    const counts = Buffer.from(good);
    counts.writeInt32LE(counts.readInt32LE(64) + 1, 64); // dictionary size one more than words + labels
    expect(refusal(counts, 'counts.bin').message).toMatch(/dictionary counts disagree/);
    const version = Buffer.from(good);
    version.writeInt32LE(13, 4);
    expect(refusal(version, 'version.bin').message).toMatch(/format version 13/);
  });

  it('refuses a matrix whose shape disagrees with the arguments', () => {
    const bytes = Buffer.from(good);
    // the input matrix's row count follows the dictionary and the quantization flag
    const m = loadModel(goodFile);
    const rowsAt = good.length - (m.output.rows * m.output.cols * 4 + 16 + 1) - (m.input.rows * m.input.cols * 4 + 16);
    expect(bytes.readBigInt64LE(rowsAt)).toBe(BigInt(m.input.rows));
    bytes.writeBigInt64LE(BigInt(m.input.rows - 1), rowsAt);
    expect(refusal(bytes, 'shape.bin').message).toMatch(/input matrix is .* expected/);
  });

  it('refuses a word-vector (skipgram) model as not a supervised classifier', () => {
    requireFastText();
    const text = labelledLines({ seed: 3, labels: ['a'], count: 300 })
      .map((e) => e.text)
      .join('\n');
    writeFileSync(join(dir, 'words.txt'), text);
    fasttext(['skipgram', '-input', join(dir, 'words.txt'), '-output', join(dir, 'vectors'), '-dim', '5', '-epoch', '1', '-minCount', '1', '-bucket', '1000', '-thread', '1', '-verbose', '0']);
    expect(() => loadModel(join(dir, 'vectors.bin'))).toThrow(/is a fastText skipgram word-vector model, not a supervised classifier/);
  });

  it('names a missing file', () => {
    expect(() => loadModel(join(dir, 'nope.bin'))).toThrow(/cannot open fastText model .*nope\.bin/);
  });
});
