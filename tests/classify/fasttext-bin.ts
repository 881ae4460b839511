/**
 * The reference: Debian's `fasttext` binary (C++ fastText 0.9.2, installed by .ci/system-deps.sh
 * test). Tests train models with it in a temporary directory and read its predict-prob output.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export const FASTTEXT = process.env['FASTTEXT_BIN'] ?? '/usr/bin/fasttext';

/** Throws with the install command when the binary is missing: the parity tests must not pass vacuously. */
export function requireFastText(): void {
  if (!existsSync(FASTTEXT)) throw new Error(`${FASTTEXT} is missing: the classifier parity tests need Debian's fastText (apt-get install fasttext, or .ci/system-deps.sh test)`);
}

export function fasttext(args: string[], input?: string): string {
  return execFileSync(FASTTEXT, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...(input !== undefined ? { input } : {}), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** `fasttext supervised` with -thread 1 and no progress output. */
export function trainBinary(input: string, output: string, args: Record<string, string | number>): void {
  fasttext(['supervised', '-input', input, '-output', output, '-thread', '1', '-verbose', '0', ...Object.entries(args).flatMap(([k, v]) => [`-${k}`, String(v)])]);
}

export interface BinPrediction {
  label: string;
  prob: number;
}

/** `fasttext predict-prob MODEL - k` over `lines` (fed on stdin, one per line), parsed. */
export function predictBinary(model: string, lines: readonly string[], k: number): BinPrediction[][] {
  const r = spawnSync(FASTTEXT, ['predict-prob', model, '-', String(k)], { input: lines.map((l) => `${l}\n`).join(''), encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`fasttext predict-prob ${model} failed: ${r.stderr}`);
  const out = r.stdout.split('\n');
  out.pop();
  if (out.length !== lines.length) throw new Error(`fasttext predict-prob printed ${out.length} lines for ${lines.length}`);
  return out.map((line) => {
    const parts = line.split(' ').filter((p) => p !== '');
    const preds: BinPrediction[] = [];
    for (let i = 0; i + 1 < parts.length; i += 2) preds.push({ label: parts[i]!, prob: Number(parts[i + 1]) });
    return preds;
  });
}

/** Precision@1 of `fasttext test`. */
export function testBinary(model: string, file: string): number {
  const out = fasttext(['test', model, file]);
  const m = /P@1\s+([0-9.]+)/.exec(out);
  if (m === null) throw new Error(`unexpected fasttext test output: ${out}`);
  return Number(m[1]);
}
