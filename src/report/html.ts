/**
 * The only way text gets into the page: `esc` for every value, `html` tagged templates that
 * escape each interpolation unless it is already `Html`. Document text is hostile input
 * (`<script>`, `</textarea>`, entities, bidi controls); a test renders such text in Chromium.
 */

/** Markup that is already safe; produced only by this module's helpers. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for an element's content or a quoted attribute. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

export type Part = Html | string | number | readonly Part[] | undefined | null | false;

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return (part as readonly Part[]).map(render).join('');
  return esc(part as string | number);
}

/** Tagged template: literal markup stays, every interpolated value is escaped (arrays joined). */
export function html(strings: TemplateStringsArray, ...parts: Part[]): Html {
  let out = strings[0]!;
  for (let i = 0; i < parts.length; i++) out += render(parts[i]) + strings[i + 1]!;
  return new Html(out);
}

/** Markup from a trusted producer (Vega's SVG renderer, which escapes its own text). */
export function trusted(markup: string): Html {
  return new Html(markup);
}

/** A table; cells are escaped, numbers right-aligned and grouped. */
export function table(head: string[], rows: Part[][], opts: { className?: string } = {}): Html {
  const cell = (c: Part): Html => (typeof c === 'number' ? html`<td class="n">${fmt(c)}</td>` : html`<td>${c}</td>`);
  return html`<table class="${opts.className ?? ''}">
    <thead>
      <tr>
        ${head.map((h) => html`<th>${h}</th>`)}
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            ${r.map(cell)}
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** 1234567 -> "1,234,567"; fractions to 3 significant digits. */
export function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumSignificantDigits: 3 });
}

export function pct(n: number, of: number): string {
  return of > 0 ? `${((100 * n) / of).toFixed(1)}%` : '-';
}
