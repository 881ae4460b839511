import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { detect } from 'jschardet';

/** Where the charset used to decode a page came from. */
export type CharsetSource = 'bom' | 'http' | 'meta' | 'detected' | 'default';

export interface DecodedText {
  text: string;
  /** Canonical name of the charset used (WHATWG name where there is one). */
  charset: string;
  source: CharsetSource;
  /** A declared charset that was not used: unknown label, or contradicted by the bytes. */
  rejectedLabel?: string;
}

/** HTML's prescan reads 1024 bytes; real pages put long scripts first, so look a little further. */
const PRESCAN_BYTES = 8192;
const DETECT_BYTES = 64 * 1024;

/** `text/html; charset="Shift_JIS"` -> `shift_jis`. */
export function charsetFromContentType(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const m = /charset\s*=\s*["']?\s*([^"';\s,]+)/i.exec(contentType);
  return m?.[1]?.toLowerCase();
}

/** The charset a `<meta charset>` or `<meta http-equiv="Content-Type" content="...; charset=">` declares. */
export function prescanMetaCharset(bytes: Buffer): string | undefined {
  const head = bytes.toString('latin1', 0, Math.min(bytes.length, PRESCAN_BYTES));
  const m = /<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)/i.exec(head);
  return m?.[1]?.toLowerCase();
}

type Decoder = { name: string; decode: (bytes: Buffer) => string };

const decoders = new Map<string, Decoder | undefined>();

/** jschardet (chardet) names that WHATWG knows under another label. */
const DETECTOR_ALIASES: Record<string, string> = {
  cp932: 'shift_jis',
  shift_jis_2004: 'shift_jis',
  cp949: 'euc-kr',
  'utf-8-sig': 'utf-8',
  ascii: 'windows-1252',
  // on the web these are nearly always windows-1252, which is what browsers use for them
  'iso-8859-1': 'windows-1252',
  'iso-8859-15': 'windows-1252',
};

/**
 * A decoder for a charset label: the platform's TextDecoder (WHATWG labels, ICU, fast) first,
 * iconv-lite for the labels it does not know (cp932, cp949, mac and DOS code pages).
 */
export function decoderFor(label: string): Decoder | undefined {
  const key = label.trim().toLowerCase();
  if (decoders.has(key)) return decoders.get(key);
  let d: Decoder | undefined;
  try {
    const td = new TextDecoder(key);
    // HTML: a page cannot be UTF-16 if its own ASCII meta tag was readable; x-user-defined is windows-1252
    const name = td.encoding.startsWith('utf-16') ? 'utf-8' : td.encoding === 'x-user-defined' ? 'windows-1252' : td.encoding;
    if (name === 'windows-1252') {
      // Node 20's TextDecoder decodes windows-1252 as latin-1: 0x80-0x9F (€, ’, œ, …) come out as C1 controls
      d = { name, decode: decodeWindows1252 };
    } else {
      const real = name === td.encoding ? td : new TextDecoder(name);
      d = { name, decode: (b) => real.decode(b) };
    }
  } catch {
    if (iconv.encodingExists(key)) d = { name: key, decode: (b) => iconv.decode(b, key) };
  }
  decoders.set(key, d);
  return d;
}

const utf8 = decoderFor('utf-8')!;

/** WHATWG windows-1252 for 0x80-0x9F; the five bytes it leaves undefined map to the C1 controls, as browsers do. */
const CP1252_HIGH =
  '\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178';

/** latin-1 decoding is native and fast; only the 0x80-0x9F range differs. (iconv-lite's took 29% of the warc reader's time.) */
function decodeWindows1252(bytes: Buffer): string {
  const latin1 = bytes.toString('latin1');
  return /[\x80-\x9f]/.test(latin1) ? latin1.replace(/[\x80-\x9f]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!) : latin1;
}

/**
 * Whether a lossy UTF-8 decode is still UTF-8 with a few damaged bytes: at least as many valid
 * non-ASCII characters as replacement characters. A legacy-charset page mislabelled UTF-8 has
 * almost no valid multi-byte sequences.
 */
function mostlyUtf8(text: string): boolean {
  let bad = 0;
  let good = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c === 0xfffd) bad++;
    else good++;
  }
  return good >= bad;
}

function hasNonAscii(bytes: Buffer): boolean {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! >= 0x80) return true;
  return false;
}

/**
 * Decodes an HTML payload: BOM, then the HTTP charset, then `<meta>` charset, then a detector
 * (jschardet), then windows-1252 (the web's default). Bytes that are valid UTF-8 with non-ASCII
 * in them are read as UTF-8 even when a legacy charset is declared: mislabelled UTF-8 is common
 * and decoding it as windows-1252 would store mojibake.
 */
export function decodeHtml(bytes: Buffer, httpCharset: string | undefined): DecodedText {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return { text: utf8.decode(bytes.subarray(3)), charset: 'utf-8', source: 'bom' };
  if (bytes.length >= 2 && ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))) {
    const name = bytes[0] === 0xfe ? 'utf-16be' : 'utf-16le';
    return { text: new TextDecoder(name).decode(bytes.subarray(2)), charset: name, source: 'bom' };
  }
  const valid = isUtf8(bytes);
  let rejectedLabel: string | undefined;
  const declared: [string | undefined, CharsetSource][] = [
    [httpCharset, 'http'],
    [undefined, 'meta'],
  ];
  for (const [labelOrUndefined, source] of declared) {
    const label = source === 'meta' ? prescanMetaCharset(bytes) : labelOrUndefined;
    if (label === undefined) continue;
    const d = decoderFor(label);
    if (d === undefined) {
      rejectedLabel ??= label;
      continue;
    }
    if (d.name === 'utf-8') {
      const text = d.decode(bytes);
      if (valid || mostlyUtf8(text)) return withRejected({ text, charset: 'utf-8', source }, rejectedLabel);
      rejectedLabel ??= label;
      break;
    }
    if (valid && hasNonAscii(bytes)) {
      rejectedLabel ??= label;
      break;
    }
    return withRejected({ text: d.decode(bytes), charset: d.name, source }, rejectedLabel);
  }
  if (valid) return withRejected({ text: utf8.decode(bytes), charset: 'utf-8', source: 'detected' }, rejectedLabel);
  const guess = detect(bytes.subarray(0, DETECT_BYTES));
  const name = guess.encoding?.toLowerCase();
  const d = name === undefined ? undefined : decoderFor(DETECTOR_ALIASES[name] ?? name);
  if (d !== undefined) return withRejected({ text: d.decode(bytes), charset: d.name, source: 'detected' }, rejectedLabel);
  const fallback = decoderFor('windows-1252')!;
  return withRejected({ text: fallback.decode(bytes), charset: fallback.name, source: 'default' }, rejectedLabel);
}

function withRejected(d: DecodedText, rejectedLabel: string | undefined): DecodedText {
  return rejectedLabel === undefined ? d : { ...d, rejectedLabel };
}

/**
 * Characters that show a failed decode: U+FFFD and control characters other than tab, newline,
 * carriage return and form feed (binary bytes read as text produce many).
 */
export function undecodableChars(text: string): number {
  let bad = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0xfffd || (c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0x0c) || (c >= 0x7f && c <= 0x9f)) bad++;
  }
  return bad;
}
