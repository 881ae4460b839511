/**
 * A trained tokenizer's folder as Hugging Face loads it: tokenizer.json with tokenizer_config.json
 * (what transformers.js's AutoTokenizer passes to this Tokenizer class) must give sluice's ids and
 * decode back to the exact text; python transformers' AutoTokenizer is checked too when installed.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer as HfTokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { mixedCorpus } from '../corpora/tokenize-text.js';
import { NO_LENGTH_LIMIT } from '../../src/tokenize/hf-config.js';
import { loadVocabulary } from '../../src/tokenize/load.js';
import { Tokenizer } from '../../src/tokenize/tokenizer.js';
import { BpeTrainer, TRAINED_FILES, writeTrainedTokenizer } from '../../src/tokenize/trainer.js';
import { tempDir } from '../helpers/corpus.js';
import { PYTHON } from '../helpers/python.js';

// Text the cleanup of decode would change (" ." -> ".", " n't" -> "n't"), whitespace runs, lines,
// and scripts the training text barely has. No U+0085/U+FEFF: the JS library splits those unlike Rust.
const TEXTS = [
  'Hello , world . Is n\'t it ? " quoted " ( paren ) ; a : b !',
  '  two leading spaces, trailing spaces   \n\n\nthree newlines\r\nCRLF\ttab\t\ttabs\n',
  'Ünïcödé façade, naïve café — “quotes” ‘single’ … ellipsis',
  '中文文本，日本語のテキスト、한국어 텍스트. Ελληνικά, русский текст, עברית, العربية',
  'emoji 👩🏽‍💻 🇺🇳 ❤️ and combining e\u0301 a\u0308, zero width\u200bspace, nbsp-free',
  'code:\n    def f(x):\n        return x ** 2  # comment\n\n{"json": [1, 2.5, -3e10]}\n',
  ' ',
  '\n',
  'end with space ',
  "it's we'll I'M They'RE",
];

const hasTransformers = spawnSync(PYTHON, ['-c', 'import transformers'], { encoding: 'utf8' }).status === 0;

describe('a trained tokenizer folder loaded as Hugging Face does', async () => {
  const dir = tempDir('sluice-hf-folder-');
  const trainer = new BpeTrainer({ vocabSize: 1500, specialTokens: ['<|endoftext|>', '<|pad|>', '<|im_start|>'], name: 'hf-folder' });
  for (const d of mixedCorpus(5, 400_000)) trainer.add(d);
  await writeTrainedTokenizer(dir, trainer.finish());
  const tok = new Tokenizer(loadVocabulary({ tokenizer: dir }));
  const readJson = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(dir, name), 'utf8')) as Record<string, unknown>;
  const tokenizerJson = readJson('tokenizer.json');
  const config = readJson('tokenizer_config.json');

  it('writes tokenizer_config.json and special_tokens_map.json beside tokenizer.json', () => {
    expect(TRAINED_FILES).toEqual(['tokenizer.tiktoken', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'sluice-tokenizer.json']);
    expect(config).toMatchObject({
      tokenizer_class: 'PreTrainedTokenizerFast',
      clean_up_tokenization_spaces: false,
      add_prefix_space: false,
      eos_token: '<|endoftext|>',
      pad_token: '<|pad|>',
      additional_special_tokens: ['<|im_start|>'],
    });
    expect(config).not.toHaveProperty('bos_token');
    // an integer literal, as transformers writes it: Python would read 1e+30 as a float
    expect(readFileSync(join(dir, 'tokenizer_config.json'), 'utf8')).toContain(`"model_max_length": ${NO_LENGTH_LIMIT},`);
    const decoder = config['added_tokens_decoder'] as Record<string, { content: string; special: boolean }>;
    expect(Object.fromEntries(Object.entries(decoder).map(([id, t]) => [t.content, Number(id)]))).toEqual(Object.fromEntries(tok.vocab.specialTokens));
    expect(Object.values(decoder).every((t) => t.special)).toBe(true);
    expect(readJson('special_tokens_map.json')).toEqual({ eos_token: '<|endoftext|>', pad_token: '<|pad|>', additional_special_tokens: ['<|im_start|>'] });
  });

  it('model_max_length takes the given limit', async () => {
    const limited = tempDir('sluice-hf-limit-');
    const t = new BpeTrainer({ vocabSize: 300, specialTokens: ['</s>'] });
    t.add('a small corpus');
    await writeTrainedTokenizer(limited, t.finish(), { modelMaxLength: 2048 });
    const cfg = JSON.parse(readFileSync(join(limited, 'tokenizer_config.json'), 'utf8')) as Record<string, unknown>;
    expect(cfg).toMatchObject({ model_max_length: 2048, eos_token: '</s>' });
  });

  it("encodes to sluice's ids and decodes back to the exact text, special tokens included", () => {
    const hf = new HfTokenizer(tokenizerJson, config);
    for (const text of [...TEXTS, ...mixedCorpus(99, 60_000).filter((d) => !/[\u0085\ufeff\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\u00a0\u180e]|\p{Cn}|\p{Co}/u.test(d))]) {
      const ids = hf.encode(text).ids; // add_special_tokens defaults to true, as in AutoTokenizer: nothing is added
      expect(ids, JSON.stringify(text.slice(0, 60))).toEqual(Array.from(tok.encodeOrdinary(text)));
      expect(hf.decode(ids)).toBe(text);
    }
    const withSpecial = 'one document<|endoftext|><|im_start|>next';
    const ids = hf.encode(withSpecial).ids;
    expect(ids).toEqual(Array.from(tok.encode(withSpecial, { allowedSpecial: 'all' })));
    expect(hf.decode(ids)).toBe(withSpecial);
    expect(hf.decode(ids, { skip_special_tokens: true })).toBe('one documentnext');
  });

  it('without the config the library cleans up spaces on decode: the config is what makes it exact', () => {
    const ids = Array.from(tok.encodeOrdinary(TEXTS[0]!));
    expect(new HfTokenizer(tokenizerJson, {}).decode(ids)).not.toBe(TEXTS[0]);
    expect(new HfTokenizer(tokenizerJson, config).decode(ids)).toBe(TEXTS[0]);
  });

  it.skipIf(!hasTransformers)(`python transformers AutoTokenizer.from_pretrained round-trips${hasTransformers ? '' : ` (skipped: ${PYTHON} cannot import transformers)`}`, () => {
    const script = [
      'import json, sys',
      'from transformers import AutoTokenizer',
      'tok = AutoTokenizer.from_pretrained(sys.argv[1])',
      'texts = json.loads(sys.stdin.read())',
      'out = [{"ids": tok(t)["input_ids"], "text": tok.decode(tok(t)["input_ids"])} for t in texts]',
      'print(json.dumps({"eos": tok.eos_token, "pad": tok.pad_token, "out": out}))',
    ].join('\n');
    const r = spawnSync(PYTHON, ['-c', script, dir], { input: JSON.stringify(TEXTS), encoding: 'utf8', timeout: 120_000 });
    expect(r.status, r.stderr).toBe(0);
    const got = JSON.parse(r.stdout) as { eos: string; pad: string; out: { ids: number[]; text: string }[] };
    expect(got.eos).toBe('<|endoftext|>');
    expect(got.pad).toBe('<|pad|>');
    expect(got.out).toEqual(TEXTS.map((text) => ({ ids: Array.from(tok.encodeOrdinary(text)), text })));
  });
});
