/**
 * One self-contained HTML page: inline CSS, charts as inline SVG, no script, no external URL
 * (fonts are the system's), so it opens from a laptop's downloads folder with no network.
 */
import { renderChart, type Chart } from './chart.js';
import { esc, html, trusted, type Html } from './html.js';
import { distributionSection, funnelSection, outputSection, samplesSection, shardsSection, summarySection, type Section } from './sections.js';
import type { RunView } from './view.js';

export const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto; padding: 16px 24px 64px; max-width: 1500px; color: #222; }
h1 { font-size: 22px; margin: 8px 0 4px; } h2 { font-size: 18px; margin: 32px 0 4px; border-bottom: 1px solid #ddd; } h3 { font-size: 15px; margin: 18px 0 4px; }
nav a { margin-right: 14px; } .note, .intro { color: #555; margin: 4px 0 8px; } .ledger { font-size: 16px; }
.ok { color: #2a7b2a; font-weight: 600; } .bad { color: #b00; font-weight: 600; }
table { border-collapse: collapse; margin: 6px 0 12px; font-size: 13px; } th, td { padding: 2px 10px; border-bottom: 1px solid #eee; text-align: left; } td.n { text-align: right; font-variant-numeric: tabular-nums; }
th { background: #f6f6f6; } code { font-size: 12px; }
figure.chart { margin: 10px 0 18px; } figure.chart figcaption { font-weight: 600; } figure.chart svg { max-width: 100%; height: auto; }
details { margin: 4px 0; } summary { cursor: pointer; } .count { color: #666; margin-left: 8px; }
article.doc { border: 1px solid #ddd; border-left: 4px solid #4c78a8; margin: 8px 0 8px 16px; padding: 6px 10px; }
article.doc.rejected { border-left-color: #e45756; } article.doc.duplicate { border-left-color: #f58518; }
article.doc header { font-size: 12px; color: #444; } article.doc header span { margin-right: 10px; } .id { font-family: ui-monospace, monospace; font-weight: 600; }
article.doc pre { white-space: pre-wrap; overflow-wrap: anywhere; unicode-bidi: isolate; max-height: 320px; overflow: auto; background: #fafafa; padding: 6px; margin: 6px 0 0; font-size: 12px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0 10px; font-size: 12px; margin: 4px 0; } dt { color: #666; } dd { margin: 0; overflow-wrap: anywhere; }
.cut { font-size: 12px; color: #666; margin: 2px 0; } .cols { display: grid; grid-template-columns: 1fr 1fr; gap: 24px; } .cols > div { min-width: 0; }
.up { color: #2a7b2a; } .down { color: #b00; } .run-label { font-weight: 600; margin-right: 8px; }
`;

export function document(title: string, body: Html): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body>
${body.value}
</body></html>
`;
}

export async function renderParts(parts: (Chart | Html)[]): Promise<Html> {
  const out: Html[] = [];
  for (const p of parts) {
    if (!('spec' in p)) {
      out.push(p);
      continue;
    }
    const r = await renderChart(p);
    out.push(
      html`<figure class="chart" data-marks="${r.marks}">
        <figcaption>${r.title}</figcaption>
        ${r.note ? html`<div class="note">${r.note}</div>` : ''}${trusted(r.svg)}
      </figure>`,
    );
  }
  return html`${out}`;
}

export function runSections(run: RunView, mixture?: Record<string, number>): Section[] {
  return [summarySection(run), funnelSection(run), outputSection(run, mixture), distributionSection(run), shardsSection(run), samplesSection(run)];
}

/** `sluice report OUT`: the page for one run. */
export async function reportPage(run: RunView, opts: { mixture?: Record<string, number> } = {}): Promise<string> {
  const sections = runSections(run, opts.mixture);
  const body: Html[] = [
    html`<h1>sluice report: ${run.stats.name}</h1>
      <p class="note">${run.dir} · finished ${run.stats.created}</p>`,
    html`<nav>${sections.map((s) => html`<a href="#${s.id}">${s.title}</a>`)}</nav>`,
  ];
  for (const s of sections)
    body.push(
      html`<section id="${s.id}">
        <h2>${s.title}</h2>
        ${s.intro ? html`<p class="intro">${s.intro}</p>` : ''}${await renderParts(s.parts)}
      </section>`,
    );
  return document(`sluice report: ${run.stats.name}`, html`${body}`);
}
