import { isUtf8 } from 'node:buffer';
import type { RejectDetail } from '../../core/stage.js';
import { isBinaryName, isLockFile, isMinifiedName, languageOf } from './languages.js';

export interface JudgeOptions {
  maxFileBytes: number;
  minifiedAvgLineLength: number;
  skipGenerated: boolean;
  skipUnknownLanguages: boolean;
}

export type Verdict = { keep: true; text: string; language: string } | { keep: false; reason: string; language?: string; detail?: RejectDetail };

/** git's test for binary content: a NUL byte in the first 8000 bytes. */
const BINARY_SNIFF = 8000;

/** Markers code generators put in a comment in the first lines of what they write. */
const GENERATED =
  /@generated|\bDO NOT EDIT\b|\b[Aa]uto-?generated\b|[Aa]utomatically generated|[Gg]enerated by (?:the )?(?:protoc|[Pp]rotocol [Bb]uffer compiler|[Tt]hrift|SWIG|[Cc]ython|flatc|[Bb]ison|[Yy]acc)/;
const COMMENT_LINE = /^\s*(?:\/\/|#|\/?\*|<!--|--|;|%|"""|'{3})/;

function looksGenerated(text: string): boolean {
  for (const line of headLines(text, 10).split('\n')) if (COMMENT_LINE.test(line) && GENERATED.test(line)) return true;
  return false;
}

/** What can be decided from the name and size alone, before reading the file. */
export function judgeName(path: string, size: number, opts: JudgeOptions): Verdict | undefined {
  if (isLockFile(path)) return { keep: false, reason: 'lock_file', detail: { bytes: size } };
  if (isBinaryName(path)) return { keep: false, reason: 'binary', detail: { bytes: size, by: 'extension' } };
  if (size > opts.maxFileBytes) return { keep: false, reason: 'too_large', detail: { bytes: size, max_file_bytes: opts.maxFileBytes } };
  if (isMinifiedName(path)) return { keep: false, reason: 'minified', detail: { bytes: size, by: 'name' } };
  return undefined;
}

/** The rest of the checks, on the file's bytes. */
export function judgeContent(path: string, bytes: Buffer, opts: JudgeOptions): Verdict {
  if (bytes.length > opts.maxFileBytes) return { keep: false, reason: 'too_large', detail: { bytes: bytes.length, max_file_bytes: opts.maxFileBytes } };
  if (bytes.subarray(0, BINARY_SNIFF).includes(0)) return { keep: false, reason: 'binary', detail: { bytes: bytes.length, by: 'nul_byte' } };
  if (!isUtf8(bytes)) return { keep: false, reason: 'not_utf8', detail: { bytes: bytes.length } };
  // a UTF-8 BOM is not part of the source
  const text = bytes.toString('utf8', bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  const firstLineEnd = text.indexOf('\n');
  const language = languageOf(path, firstLineEnd === -1 ? text : text.slice(0, firstLineEnd));
  if (text.trim() === '') return language === undefined ? { keep: false, reason: 'empty' } : { keep: false, reason: 'empty', language };
  if (language === undefined && opts.skipUnknownLanguages) return { keep: false, reason: 'unknown_language' };
  const lang = language ?? 'unknown';
  if (opts.skipGenerated && looksGenerated(text)) return { keep: false, reason: 'generated', language: lang };
  let lines = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < text.length - 1; i = text.indexOf('\n', i + 1)) lines++;
  const avg = text.length / lines;
  if (avg > opts.minifiedAvgLineLength) return { keep: false, reason: 'minified', language: lang, detail: { avg_line_length: Math.round(avg), by: 'line_length' } };
  return { keep: true, text, language: lang };
}

function headLines(text: string, n: number): string {
  let end = 0;
  for (let i = 0; i < n; i++) {
    const nl = text.indexOf('\n', end);
    if (nl === -1) return text.slice(0, 4096);
    end = nl + 1;
  }
  return text.slice(0, Math.min(end, 4096));
}
