import type { Kind } from '../../../src/redact/kinds.js';

/** A planted value: a positive of some kind, or a look-alike (`kind: null`) that must stay. */
export interface EvalLabel {
  kind: Kind | null;
  start: number;
  end: number;
  /** What was planted: `nanp (xxx) xxx-xxxx`, `private ipv4`, `luhn-invalid card`, ... */
  what: string;
}

/** Appends text and records where planted values land. */
export class DocBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  readonly labels: EvalLabel[] = [];

  text(s: string): this {
    this.parts.push(s);
    this.length += s.length;
    return this;
  }

  /** A value to redact. */
  pos(kind: Kind, value: string, what: string = kind): this {
    this.labels.push({ kind, start: this.length, end: this.length + value.length, what });
    return this.text(value);
  }

  /** A look-alike that must be left alone. */
  neg(value: string, what: string): this {
    this.labels.push({ kind: null, start: this.length, end: this.length + value.length, what });
    return this.text(value);
  }

  build(): string {
    return this.parts.join('');
  }
}
