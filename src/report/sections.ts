/**
 * The sections of a run's report, each a heading, charts (still as specifications) and tables.
 * page.ts renders them for one run, compare.ts for two side by side.
 */
import { tasksCpuSeconds, type StageCounts } from '../core/stats.js';
import { compact, lengthBucketLabel, scoreBucketLabel, sortedBuckets } from './buckets.js';
import { bars, facetedHistogram, stackedBars, type Chart, type Datum } from './chart.js';
import { DUPLICATE_REASON, type Dist, type SourceReport } from './collect.js';
import { fmt, html, pct, table, type Html } from './html.js';
import { sampleList } from './samples.js';
import type { RunView } from './view.js';

export interface Section {
  id: string;
  title: string;
  /** What to look for, one or two sentences. */
  intro: string;
  /** Content before, between and after the charts, in order: a chart, or markup. */
  parts: (Chart | Html)[];
}

/** Stage names in pipeline order; readers (order 0) first, by name. */
export function stageOrder(run: RunView): string[] {
  return Object.entries(run.stats.stages)
    .sort((a, b) => a[1].order - b[1].order || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([name]) => name);
}

export function sourceNames(run: RunView): string[] {
  return Object.keys(run.stats.sources).sort();
}

function dropped(s: StageCounts): number {
  return Object.values(s.rejected).reduce((a, b) => a + b, 0) + s.duplicates;
}

export function summarySection(run: RunView): Section {
  const l = run.stats.ledger;
  const rows = stageOrder(run).map((name) => {
    const s = run.stats.stages[name]!;
    return [name, s.in, s.out, dropped(s), pct(dropped(s), s.in), s.modified];
  });
  return {
    id: 'ledger',
    title: 'Ledger',
    intro: 'Every document read ends as exactly one of kept, rejected (by a reader or a filter) or duplicate (removed by a dedup stage).',
    parts: [
      html`<p class="ledger">
        ${fmt(l.docs_in)} in = <b>${fmt(l.kept)}</b> kept + ${fmt(l.rejected)} rejected + ${fmt(l.duplicates)} duplicates
        <span class="${l.balanced ? 'ok' : 'bad'}">${l.balanced ? 'balanced' : 'MISMATCH'}</span>
      </p>`,
      table(['stage', 'in', 'out', 'dropped', 'drop %', 'modified'], rows),
    ],
  };
}

/** Per source: kept, then what each stage removed, in documents and characters. */
export function funnelSection(run: RunView, width?: number): Section {
  const sources = sourceNames(run);
  const stages = stageOrder(run);
  const data = run.data;
  const colors = ['kept', ...(data ? stages : ['rejected', 'duplicates'])];
  const docRows: Datum[] = [];
  const charRows: Datum[] = [];
  const tableRows: (string | number | Html)[][] = [];
  for (const source of sources) {
    const s = run.stats.sources[source]!;
    docRows.push({ source, outcome: 'kept', docs: s.kept, order: 0 });
    charRows.push({ source, outcome: 'kept', chars: s.chars_kept, order: 0 });
    if (!data) {
      docRows.push({ source, outcome: 'rejected', docs: s.rejected, order: 1 }, { source, outcome: 'duplicates', docs: s.duplicates, order: 2 });
      continue;
    }
    const outcomes = data.sources[source]?.outcomes ?? {};
    const perStage = new Map<string, { docs: number; chars: number }>();
    for (const [key, o] of Object.entries(outcomes)) {
      const stage = key.slice(0, key.indexOf('\t'));
      const t = perStage.get(stage) ?? { docs: 0, chars: 0 };
      t.docs += o.docs;
      t.chars += o.chars;
      perStage.set(stage, t);
    }
    const worst = [...perStage.entries()].sort((a, b) => b[1].docs - a[1].docs)[0]?.[0];
    for (const stage of stages) {
      const t = perStage.get(stage);
      if (!t) continue;
      const order = colors.indexOf(stage);
      docRows.push({ source, outcome: stage, docs: t.docs, order });
      charRows.push({ source, outcome: stage, chars: t.chars, order });
      const reasons = Object.entries(outcomes)
        .filter(([k]) => k.startsWith(`${stage}\t`))
        .sort((a, b) => b[1].docs - a[1].docs);
      for (const [key, o] of reasons) {
        const reason = key.slice(stage.length + 1);
        tableRows.push([source, stage === worst ? html`<b>${stage}</b>` : stage, reason, o.docs, pct(o.docs, s.docs_in), o.chars]);
      }
    }
  }
  const yOrder = sources;
  // only stages that removed something appear in the legend
  const used = new Set(docRows.filter((d) => Number(d['docs']) > 0).map((d) => String(d['outcome'])));
  const shown = colors.filter((c) => used.has(c) || c === 'kept');
  for (const rows of [docRows, charRows]) for (const d of rows) d['order'] = shown.indexOf(String(d['outcome']));
  const parts: (Chart | Html)[] = [
    stackedBars({
      title: 'Documents per source: kept, and removed by each stage',
      data: docRows,
      x: 'docs',
      xTitle: 'documents',
      y: 'source',
      yOrder,
      color: 'outcome',
      colorOrder: shown,
      ...(width ? { width } : {}),
    }),
  ];
  if (data) {
    parts.push(
      stackedBars({
        title: 'Characters per source: kept, and removed by each stage',
        data: charRows,
        x: 'chars',
        xTitle: 'characters',
        y: 'source',
        yOrder,
        color: 'outcome',
        colorOrder: shown,
        ...(width ? { width } : {}),
      }),
      html`<h3>Removed, by source, stage and reason</h3>
        <p class="note">The stage that removed most of a source is in bold.</p>`,
      table(['source', 'stage', 'reason', 'documents', 'of source in', 'characters'], tableRows),
    );
  }
  return {
    id: 'funnel',
    title: 'Funnel',
    intro: 'Each bar is one source; its length is the documents (or characters) read, the blue part what was kept, each other colour what one stage removed.',
    parts,
  };
}

function distRows(dists: Record<string, Dist | undefined>, label: (key: string) => string, stacked: boolean): { data: Datum[]; order: string[] } {
  const keys = new Set<string>();
  for (const d of Object.values(dists)) for (const h of d ? [d.kept, d.dropped] : []) for (const k of Object.keys(h)) keys.add(k);
  const order = sortedBuckets(keys);
  const data: Datum[] = [];
  for (const [source, d] of Object.entries(dists)) {
    if (!d) continue;
    for (const k of order) {
      data.push({ source, bucket: label(k), outcome: 'kept', count: d.kept[k] ?? 0, order: 0 });
      if (stacked) data.push({ source, bucket: label(k), outcome: 'dropped', count: d.dropped[k] ?? 0, order: 1 });
    }
  }
  return { data, order: order.map(label) };
}

export function distributionSection(run: RunView): Section {
  const data = run.data;
  const parts: (Chart | Html)[] = [];
  if (!data) {
    parts.push(html`<p class="note">This run collected no report data (a run of an older sluice, or one run with <code>SLUICE_REPORT=off</code>): only the counts above are known.</p>`);
    return { id: 'distributions', title: 'Distributions', intro: '', parts };
  }
  const sources = sourceNames(run).filter((s) => data.sources[s]);
  const per = (f: (s: SourceReport) => Dist | undefined): Record<string, Dist | undefined> => Object.fromEntries(sources.map((s) => [s, f(data.sources[s]!)]));
  const chars = distRows(
    per((s) => s.chars),
    lengthBucketLabel,
    true,
  );
  parts.push(
    facetedHistogram({
      title: 'Document length in characters',
      note: 'Final text, log-scale buckets (four per doubling); red: documents removed.',
      data: chars.data,
      bucketOrder: chars.order,
      xTitle: 'characters',
      sources,
      stacked: true,
    }),
  );
  const tokens = distRows(
    per((s) => (Object.keys(s.tokens).length > 0 ? { kept: s.tokens, dropped: {} } : undefined)),
    lengthBucketLabel,
    false,
  );
  if (tokens.data.some((d) => Number(d['count']) > 0)) {
    parts.push(
      facetedHistogram({
        title: 'Document length in tokens',
        note: 'Kept documents.',
        data: tokens.data,
        bucketOrder: tokens.order,
        xTitle: 'tokens',
        sources: sources.filter((s) => Object.keys(data.sources[s]!.tokens).length > 0),
        stacked: false,
      }),
    );
  }
  const langSources = sources.filter((s) => Object.keys(data.sources[s]!.language.kept).length + Object.keys(data.sources[s]!.language.dropped).length > 0);
  if (langSources.length > 0) {
    const totals = new Map<string, number>();
    const rows: Datum[] = [];
    for (const source of langSources) {
      const d = data.sources[source]!.language;
      for (const outcome of ['kept', 'dropped'] as const) {
        for (const [lang, n] of Object.entries(d[outcome])) {
          totals.set(lang, (totals.get(lang) ?? 0) + n);
          rows.push({ source, bucket: lang, outcome, count: n, order: outcome === 'kept' ? 0 : 1 });
        }
      }
    }
    const order = [...totals.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([l]) => l);
    parts.push(
      facetedHistogram({
        title: 'Language',
        note: '`meta.language` where a stage set it; red: documents removed later or by the language stage.',
        data: rows,
        bucketOrder: order,
        xTitle: 'language',
        sources: langSources,
        stacked: true,
      }),
    );
  }
  // scores a stage recorded: numeric fields the readers did not set for that source
  const scoreNames = new Set<string>();
  const readerOnly = new Set<string>();
  for (const s of sources) {
    const r = data.sources[s]!;
    for (const k of Object.keys(r.numbers)) (r.reader_fields[k] === undefined ? scoreNames : readerOnly).add(k);
  }
  for (const name of [...scoreNames].sort()) {
    const withScore = sources.filter((s) => data.sources[s]!.numbers[name] && data.sources[s]!.reader_fields[name] === undefined);
    const rows = distRows(Object.fromEntries(withScore.map((s) => [s, data.sources[s]!.numbers[name]])), scoreBucketLabel, true);
    parts.push(
      facetedHistogram({
        title: `Score: ${name}`,
        note: `meta.${name}, set by a stage; red: documents removed.`,
        data: rows.data,
        bucketOrder: rows.order,
        xTitle: name,
        sources: withScore,
        stacked: true,
      }),
    );
  }
  const readerFields = [...readerOnly].filter((k) => !scoreNames.has(k)).sort();
  if (readerFields.length > 0) parts.push(html`<p class="note">Numeric fields the readers set (not charted): ${readerFields.join(', ')}.</p>`);
  for (const [name, h] of Object.entries(run.stats.histograms).sort()) {
    if (!name.endsWith('cluster_size')) continue;
    const order = Object.keys(h).sort((a, b) => parseInt(a, 10) - parseInt(b, 10));
    parts.push(
      bars({
        title: `Duplicate clusters: ${name}`,
        note: 'Documents per cluster of duplicates (the kept one included).',
        data: order.map((k) => ({ size: k, clusters: h[k]! })),
        x: 'size',
        xOrder: order,
        xTitle: 'documents in the cluster',
        y: 'clusters',
        yTitle: 'clusters',
      }),
    );
  }
  return { id: 'distributions', title: 'Distributions', intro: 'Histograms per source over fixed buckets, counted during the run. Blue: kept; red: removed (by any stage).', parts };
}

export function outputSection(run: RunView, mixture?: Record<string, number>): Section {
  const sources = sourceNames(run);
  const totalTokens = sources.reduce((a, s) => a + run.stats.sources[s]!.tokens, 0);
  const totalChars = sources.reduce((a, s) => a + run.stats.sources[s]!.chars_kept, 0);
  const mixtureTotal = Object.values(mixture ?? {}).reduce((a, b) => a + b, 0);
  const rows = sources.map((name) => {
    const s = run.stats.sources[name]!;
    const row: (string | number)[] = [name, s.kept, s.chars_kept, pct(s.chars_kept, totalChars), s.tokens, pct(s.tokens, totalTokens)];
    if (mixture) row.push(mixture[name] === undefined ? '-' : pct(mixture[name], mixtureTotal));
    return row;
  });
  const parts: (Chart | Html)[] = [];
  if (totalTokens > 0) {
    parts.push(
      bars({
        title: 'Tokens per source in the output',
        data: sources.map((s) => ({ source: s, tokens: run.stats.sources[s]!.tokens })),
        x: 'source',
        xOrder: sources,
        xTitle: 'source',
        y: 'tokens',
        yTitle: 'tokens',
      }),
    );
  }
  parts.push(table(['source', 'documents', 'characters', 'share of characters', 'tokens', 'share of tokens', ...(mixture ? ['mixture weight'] : [])], rows));
  parts.push(
    mixture
      ? html`<p class="note">
          Mixture weights as given to <code>sluice report --mixture</code> (normalised): a source whose weight is well above its share of tokens is repeated that much more often by the loader.
        </p>`
      : html`<p class="note">
          Mixture weights are not part of a pipeline: the loader takes them when it serves (<code>sluice loader serve --mixture</code>); <code>sluice report --mixture web=0.6,...</code> shows them
          here next to the shares.
        </p>`,
  );
  return { id: 'output', title: 'Output by source', intro: "Each source's share of what was kept.", parts };
}

export function shardsSection(run: RunView): Section {
  const parts: (Chart | Html)[] = [];
  const tasks = run.stats.tasks;
  parts.push(
    bars({
      title: 'Time per phase',
      note: 'Seconds summed over the tasks of each phase (CPU-bound tasks in parallel overlap).',
      data: tasks.map((t) => ({ phase: t.phase, seconds: Math.round(t.seconds * 1000) / 1000 })),
      x: 'phase',
      xOrder: tasks.map((t) => t.phase),
      xTitle: 'phase',
      y: 'seconds',
      yTitle: 'task seconds',
    }),
  );
  // CPU seconds: markers of older versions have none
  const withCpu = tasksCpuSeconds(tasks) !== undefined;
  parts.push(
    table(
      ['phase', 'tasks', 'task seconds', ...(withCpu ? ['CPU seconds'] : [])],
      tasks.map((t) => [t.phase, t.tasks, Math.round(t.seconds * 100) / 100, ...(withCpu ? [Math.round(t.cpu_seconds! * 100) / 100] : [])]),
    ),
  );
  const m = run.manifest;
  if (!m) {
    parts.push(html`<p class="note">No manifest.json: the run has not finished.</p>`);
  } else {
    const LIMIT = 500;
    const shown = m.shards.slice(0, LIMIT);
    parts.push(
      html`<h3>Shards</h3>
        <p>${fmt(m.shards.length)} shards, ${fmt(m.rows)} rows, ${fmt(m.bytes)} bytes, ${fmt(m.tokens)} tokens${m.shards.length > LIMIT ? ` (the first ${LIMIT} listed)` : ''}.</p>`,
    );
    parts.push(
      table(
        ['shard', 'rows', 'bytes', 'tokens', 'sha256'],
        shown.map((s) => [s.path, s.rows, s.bytes, s.tokens, html`<code>${s.sha256}</code>`]),
      ),
    );
  }
  return { id: 'shards', title: 'Shards and timing', intro: 'What the manifest lists, and where the time went.', parts };
}

export function samplesSection(run: RunView): Section {
  const data = run.data;
  if (!data) return { id: 'samples', title: 'Documents', intro: '', parts: [html`<p class="note">No samples: this run collected no report data.</p>`] };
  const stages = stageOrder(run);
  const removedKeys = Object.keys(data.samples.removed).sort((a, b) => {
    const [sa = '', ra = ''] = a.split('\t');
    const [sb = '', rb = ''] = b.split('\t');
    return stages.indexOf(sa) - stages.indexOf(sb) || (ra < rb ? -1 : ra > rb ? 1 : 0);
  });
  const count = (key: string): number => {
    const [stage = '', reason = ''] = key.split('\t');
    const s = run.stats.stages[stage];
    return reason === DUPLICATE_REASON ? (s?.duplicates ?? 0) : (s?.rejected[reason] ?? 0);
  };
  const parts: (Chart | Html)[] = [html`<h3>Removed, by stage and reason</h3>`];
  for (const key of removedKeys) {
    const [stage = '', reason = ''] = key.split('\t');
    const list = data.samples.removed[key]!;
    parts.push(
      html`<details>
        <summary><b>${stage}</b> · ${reason} <span class="count">${fmt(count(key))} documents, ${list.length} shown</span></summary>
        ${sampleList(list)}
      </details>`,
    );
  }
  parts.push(html`<h3>Kept, by source</h3>`);
  for (const source of Object.keys(data.samples.kept).sort()) {
    const list = data.samples.kept[source]!;
    parts.push(
      html`<details>
        <summary><b>${source}</b> <span class="count">${fmt(run.stats.sources[source]?.kept ?? 0)} kept, ${list.length} shown</span></summary>
        ${sampleList(list)}
      </details>`,
    );
  }
  return {
    id: 'samples',
    title: 'Documents behind the numbers',
    intro: `A few documents per reason and per source, the same ones on every run over the same inputs (lowest seeded hash of the id, seed ${data.seed}); text as the stage saw it, cut at ${compact(2000)} characters.`,
    parts,
  };
}
