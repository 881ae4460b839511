/** Sampled documents as HTML: every field escaped, text in an isolated bidi context. */
import type { Meta } from '../core/doc.js';
import { fmt, html, type Html } from './html.js';
import type { Sample } from './sample.js';

function fields(meta: Meta | undefined): Html {
  const entries = Object.entries(meta ?? {});
  if (entries.length === 0) return html``;
  return html`<dl>
    ${entries.map(
      ([k, v]) =>
        html`<dt>${k}</dt>
          <dd><bdi>${typeof v === 'string' ? v : JSON.stringify(v)}</bdi></dd>`,
    )}
  </dl>`;
}

/** One document: id, source, fate, detail and metadata, then its text (cut where the sample cut it). */
export function sampleCard(s: Sample, label?: Html): Html {
  const fate = s.kind === 'kept' ? 'kept' : `${s.kind} by ${s.stage ?? '?'}: ${s.reason ?? '?'}`;
  const detail = s.detail !== undefined && typeof s.detail === 'object' && s.detail !== null && !Array.isArray(s.detail) ? (s.detail as Meta) : undefined;
  return html`<article class="doc ${s.kind}">
    <header>
      ${label ?? ''}<span class="id"><bdi>${s.id}</bdi></span> <span class="src">${s.source}</span> <span class="fate">${fate}</span>
      <span class="len">${fmt(s.chars)} chars${s.tokens === undefined ? '' : `, ${fmt(s.tokens)} tokens`}</span>
    </header>
    ${detail ? html`<div class="detail">detail ${fields(detail)}</div>` : ''}${fields(s.meta)}
    <pre dir="auto">${s.text}</pre>
    ${s.text.length < s.chars ? html`<p class="cut">… ${fmt(s.chars - s.text.length)} more characters</p>` : ''}
  </article>`;
}

export function sampleList(list: Sample[]): Html {
  return html`${list.map((s) => sampleCard(s))}`;
}
