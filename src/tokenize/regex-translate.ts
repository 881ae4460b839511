/**
 * Translates a pre-tokenization pattern written for Rust's regex engines (tiktoken's
 * fancy-regex, HF tokenizers' patterns) into a JavaScript RegExp that splits text the same way.
 *
 * JavaScript differs in ways that change token ids:
 * - `\s` is another set (JS adds U+FEFF and lacks U+0085). Here \s, \S and the letter, number
 *   and mark properties become explicit classes built from the Unicode 16 tables tiktoken's
 *   regex-syntax uses (Node's own tables are a newer Unicode).
 * - `(?i:...)` does not exist in Node 20; letters inside become classes of their simple case
 *   folding (so `s` also matches U+017F LONG S, as in Rust).
 * - Possessive quantifiers (`X++`, `X?+`) become the exact lookahead-backreference emulation
 *   `(?=(X+))\1`.
 * Other Unicode properties pass through to Node's tables.
 */
import { SluiceError } from '../core/errors.js';
import { CharClass, classRanges } from './unicode/classes.js';

const PROPERTY_CLASSES: Readonly<Record<string, readonly CharClass[]>> = {
  L: [CharClass.Lu, CharClass.Lt, CharClass.Ll, CharClass.Lm, CharClass.Lo],
  Letter: [CharClass.Lu, CharClass.Lt, CharClass.Ll, CharClass.Lm, CharClass.Lo],
  Lu: [CharClass.Lu],
  Uppercase_Letter: [CharClass.Lu],
  Lt: [CharClass.Lt],
  Titlecase_Letter: [CharClass.Lt],
  Ll: [CharClass.Ll],
  Lowercase_Letter: [CharClass.Ll],
  Lm: [CharClass.Lm],
  Modifier_Letter: [CharClass.Lm],
  Lo: [CharClass.Lo],
  Other_Letter: [CharClass.Lo],
  M: [CharClass.Mark],
  Mark: [CharClass.Mark],
  N: [CharClass.Number],
  Number: [CharClass.Number],
};

const rangeCache = new Map<CharClass, string>();

function hex(cp: number): string {
  return `\\u{${cp.toString(16)}}`;
}

/** Class body (no brackets) listing every code point of the given classes. */
function classBody(classes: readonly CharClass[]): string {
  return classes
    .map((cls) => {
      let body = rangeCache.get(cls);
      if (body === undefined) {
        body = classRanges(cls)
          .map(([lo, hi]) => (lo === hi ? hex(lo) : `${hex(lo)}-${hex(hi)}`))
          .join('');
        rangeCache.set(cls, body);
      }
      return body;
    })
    .join('');
}

/** Simple case folding orbit of a character, as Rust's (?i) uses for the letters that matter. */
function caseVariants(ch: string): string[] {
  const extra: Record<string, string[]> = { s: ['\u017f'], k: ['\u212a'] };
  const lower = ch.toLowerCase();
  const set = new Set([ch, lower, ch.toUpperCase(), ...(extra[lower] ?? [])]);
  if (ch === '\u017f') set.add('s').add('S');
  if (ch === '\u212a') set.add('k').add('K');
  return [...set].filter((c) => [...c].length === 1);
}

function escapeClassChar(ch: string): string {
  return /[\\\][^-]/.test(ch) ? `\\${ch}` : ch;
}

function escapeLiteral(ch: string): string {
  return /[\\^$.*+?()[\]{}|/]/.test(ch) ? `\\${ch}` : ch;
}

class Translator {
  private pos = 0;
  private groups = 0;

  constructor(private readonly src: string) {}

  translate(): string {
    const out = this.alternation(false);
    if (this.pos < this.src.length) this.fail(`unexpected "${this.src[this.pos]}"`);
    return out;
  }

  private fail(what: string): never {
    throw new SluiceError('SLUICE_TOKENIZER', `pattern: ${what} at offset ${this.pos} of ${JSON.stringify(this.src)}`, {
      hint: 'the pre-tokenization pattern uses regex syntax sluice cannot translate; use one of the standard patterns',
    });
  }

  private peek(): string | undefined {
    return this.src[this.pos];
  }

  private alternation(caseless: boolean): string {
    const branches = [this.sequence(caseless)];
    while (this.peek() === '|') {
      this.pos++;
      branches.push(this.sequence(caseless));
    }
    return branches.join('|');
  }

  private sequence(caseless: boolean): string {
    let out = '';
    while (this.pos < this.src.length && this.peek() !== '|' && this.peek() !== ')') {
      const atom = this.atom(caseless);
      out += this.quantified(atom);
    }
    return out;
  }

  private quantified(atom: string): string {
    const q = /^(?:[?*+]|\{\d+(?:,\d*)?\})/.exec(this.src.slice(this.pos));
    if (!q) return atom;
    this.pos += q[0].length;
    const suffix = this.peek();
    if (suffix === '?') {
      this.pos++;
      return `${atom}${q[0]}?`;
    }
    if (suffix === '+') {
      // Possessive: match greedily and never give back, emulated exactly.
      this.pos++;
      this.groups++;
      return `(?=(${atom}${q[0]}))\\${this.groups}`;
    }
    return `${atom}${q[0]}`;
  }

  private atom(caseless: boolean): string {
    const ch = this.peek()!;
    if (ch === '(') return this.group(caseless);
    if (ch === '[') return this.charClass(caseless);
    if (ch === '\\') return this.escape(false) ?? this.fail('unsupported escape');
    const c = String.fromCodePoint(this.src.codePointAt(this.pos)!);
    this.pos += c.length;
    if (c === '.') return '[^\\n]';
    if (c === '^' || c === '$') return c;
    if (caseless && /\p{L}/u.test(c)) {
      const variants = caseVariants(c);
      return variants.length > 1 ? `[${variants.map(escapeClassChar).join('')}]` : escapeLiteral(c);
    }
    return escapeLiteral(c);
  }

  private group(caseless: boolean): string {
    this.pos++; // (
    let prefix = '(';
    let inner = caseless;
    const rest = this.src.slice(this.pos);
    if (rest.startsWith('?:')) {
      prefix = '(?:';
      this.pos += 2;
    } else if (rest.startsWith('?i:')) {
      prefix = '(?:';
      inner = true;
      this.pos += 3;
    } else if (rest.startsWith('?=') || rest.startsWith('?!')) {
      prefix = `(${rest.slice(0, 2)}`;
      this.pos += 2;
    } else if (rest.startsWith('?<=') || rest.startsWith('?<!')) {
      prefix = `(${rest.slice(0, 3)}`;
      this.pos += 3;
    } else if (rest.startsWith('?>')) {
      // Atomic group: same emulation as a possessive quantifier.
      this.pos += 2;
      const body = this.alternation(caseless);
      if (this.peek() !== ')') this.fail('unclosed group');
      this.pos++;
      this.groups++;
      return `(?=(${body}))\\${this.groups}`;
    } else if (rest.startsWith('?')) {
      this.fail('unsupported group flag');
    } else {
      // A capturing group: keep it non-capturing so our own backreference numbers stay right.
      prefix = '(?:';
    }
    const body = this.alternation(inner);
    if (this.peek() !== ')') this.fail('unclosed group');
    this.pos++;
    return `${prefix}${body})`;
  }

  /** An escape outside (inClass=false) or inside a class; returns JS source, or class body when inClass. */
  private escape(inClass: boolean): string | undefined {
    const rest = this.src.slice(this.pos);
    const prop = /^\\([pP])(?:\{([A-Za-z_]+)\}|([A-Za-z]))/.exec(rest);
    if (prop) {
      this.pos += prop[0].length;
      const name = prop[2] ?? prop[3]!;
      const negated = prop[1] === 'P';
      const classes = PROPERTY_CLASSES[name];
      if (!classes) return inClass && !negated ? `\\p{${name}}` : `\\${prop[1]}{${name}}`;
      if (inClass && negated) this.fail('negated property inside a class');
      const body = classBody(classes);
      return inClass ? body : negated ? `[^${body}]` : `[${body}]`;
    }
    const two = rest.slice(0, 2);
    this.pos += 2;
    switch (two) {
      case '\\s':
        return inClass ? classBody([CharClass.Space]) : `[${classBody([CharClass.Space])}]`;
      case '\\S':
        if (inClass) this.fail('\\S inside a class');
        return `[^${classBody([CharClass.Space])}]`;
      case '\\d':
        return inClass ? '\\p{Nd}' : '\\p{Nd}';
      case '\\w':
        return inClass ? '\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}' : '[\\p{Alphabetic}\\p{M}\\p{Nd}\\p{Pc}\\p{Join_Control}]';
      case '\\r':
      case '\\n':
      case '\\t':
      case '\\f':
      case '\\v':
        return two;
      default: {
        const x = /^\\x\{([0-9a-fA-F]+)\}|^\\x([0-9a-fA-F]{2})|^\\u\{([0-9a-fA-F]+)\}/.exec(rest);
        if (x) {
          this.pos += x[0].length - 2;
          return hex(Number.parseInt(x[1] ?? x[2] ?? x[3]!, 16));
        }
        const c = two[1];
        if (c !== undefined && /[^A-Za-z0-9]/.test(c)) return `\\${c}`;
        this.pos -= 2;
        return undefined;
      }
    }
  }

  private charClass(caseless: boolean): string {
    this.pos++; // [
    let negated = false;
    if (this.peek() === '^') {
      negated = true;
      this.pos++;
    }
    let body = '';
    let first = true;
    while (this.pos < this.src.length && (this.peek() !== ']' || first)) {
      first = false;
      if (this.peek() === '[') this.fail('nested classes');
      if (this.peek() === '\\') {
        body += this.escape(true) ?? this.fail('unsupported escape in class');
        continue;
      }
      const cp = this.src.codePointAt(this.pos)!;
      const c = String.fromCodePoint(cp);
      this.pos += c.length;
      if (c === '-' && body !== '' && this.peek() !== ']') {
        body += '-';
        continue;
      }
      body += caseless && /\p{L}/u.test(c) ? caseVariants(c).map(escapeClassChar).join('') : escapeClassChar(c);
    }
    if (this.peek() !== ']') this.fail('unclosed class');
    this.pos++;
    return `[${negated ? '^' : ''}${body}]`;
  }
}

const compiled = new Map<string, string>();

/** JavaScript source equivalent to `pattern`; compile with the `u` flag (and `g`/`y` as needed). */
export function translatePattern(pattern: string): string {
  let src = compiled.get(pattern);
  if (src === undefined) {
    src = new Translator(pattern).translate();
    compiled.set(pattern, src);
  }
  return src;
}

export function compilePattern(pattern: string, flags = 'gu'): RegExp {
  const src = translatePattern(pattern);
  try {
    return new RegExp(src, flags);
  } catch (err) {
    throw new SluiceError('SLUICE_TOKENIZER', `pattern ${JSON.stringify(pattern)} does not compile in JavaScript: ${(err as Error).message}`, { cause: err });
  }
}
