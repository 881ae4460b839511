/**
 * `sluice report A --compare B`: two runs side by side (e.g. before and after a threshold change).
 * What moved: every count of A against B. Which documents moved: the samples of both runs drew
 * the same ids (priority = seeded hash of the id, sample.ts), so an id sampled in both with
 * different fates is a document kept in one and dropped in the other.
 */
import { DUPLICATE_REASON } from './collect.js';
import { fmt, html, pct, table, type Html } from './html.js';
import { document, renderParts } from './page.js';
import type { Sample } from './sample.js';
import { sampleCard } from './samples.js';
import { distributionSection, funnelSection, outputSection, samplesSection, shardsSection, stageOrder, summarySection, type Section } from './sections.js';
import type { RunView } from './view.js';

function delta(a: number, b: number): Html {
  const d = b - a;
  if (d === 0) return html`<td class="n">0</td>`;
  return html`<td class="n ${d > 0 ? 'up' : 'down'}">${d > 0 ? '+' : ''}${fmt(d)}</td>`;
}

function row(label: (string | Html)[], a: number, b: number): Html {
  return html`<tr>
    ${label.map((l) => html`<td>${l}</td>`)}
    <td class="n">${fmt(a)}</td>
    <td class="n">${fmt(b)}</td>
    ${delta(a, b)}
  </tr>`;
}

function deltaTable(head: string[], rows: Html[]): Html {
  return html`<table>
    <thead>
      <tr>
        ${head.map((h) => html`<th>${h}</th>`)}
        <th>A</th>
        <th>B</th>
        <th>B − A</th>
      </tr>
    </thead>
    <tbody>
      ${rows}
    </tbody>
  </table>`;
}

/** Every count of the ledger, of each stage and reason, and of each source, A against B. */
export function movedSection(a: RunView, b: RunView): Section {
  const la = a.stats.ledger;
  const lb = b.stats.ledger;
  const ledger = (['docs_in', 'kept', 'rejected', 'duplicates'] as const).map((k) => row([k], la[k], lb[k]));
  const stages = [...new Set([...stageOrder(a), ...stageOrder(b)])];
  const reasonRows: { moved: number; row: Html }[] = [];
  for (const stage of stages) {
    const sa = a.stats.stages[stage];
    const sb = b.stats.stages[stage];
    const reasons = [...new Set([...Object.keys(sa?.rejected ?? {}), ...Object.keys(sb?.rejected ?? {})])].sort();
    for (const reason of reasons) {
      const x = sa?.rejected[reason] ?? 0;
      const y = sb?.rejected[reason] ?? 0;
      reasonRows.push({ moved: y - x, row: row([stage, reason], x, y) });
    }
    if ((sa?.duplicates ?? 0) + (sb?.duplicates ?? 0) > 0)
      reasonRows.push({ moved: (sb?.duplicates ?? 0) - (sa?.duplicates ?? 0), row: row([stage, DUPLICATE_REASON], sa?.duplicates ?? 0, sb?.duplicates ?? 0) });
  }
  const moved = reasonRows.filter((r) => r.moved !== 0);
  const sources = [...new Set([...Object.keys(a.stats.sources), ...Object.keys(b.stats.sources)])].sort();
  const sourceRows: Html[] = [];
  for (const s of sources) {
    const x = a.stats.sources[s];
    const y = b.stats.sources[s];
    for (const k of ['docs_in', 'kept', 'rejected', 'duplicates', 'chars_kept', 'tokens'] as const) sourceRows.push(row([s, k], x?.[k] ?? 0, y?.[k] ?? 0));
  }
  return {
    id: 'moved',
    title: 'What moved',
    intro: 'Counts of run A against run B; green: more in B, red: fewer.',
    parts: [
      deltaTable(['ledger'], ledger),
      html`<h3>Reasons that moved (${moved.length} of ${reasonRows.length})</h3>`,
      moved.length > 0
        ? deltaTable(
            ['stage', 'reason'],
            moved.sort((p, q) => Math.abs(q.moved) - Math.abs(p.moved)).map((r) => r.row),
          )
        : html`<p class="note">No reason's count changed.</p>`,
      html`<details>
        <summary>Every stage and reason</summary>
        ${deltaTable(
          ['stage', 'reason'],
          reasonRows.map((r) => r.row),
        )}
      </details>`,
      html`<h3>Per source</h3>`,
      deltaTable(['source', 'count'], sourceRows),
    ],
  };
}

function fate(s: Sample): string {
  return s.kind === 'kept' ? 'kept' : `${s.stage ?? '?'}\t${s.kind === 'duplicate' ? DUPLICATE_REASON : (s.reason ?? '?')}`;
}

/** Every sample of a run by source and id, the one with the most text first. */
function samplesById(run: RunView): Map<string, Sample> {
  const out = new Map<string, Sample>();
  const s = run.data?.samples;
  if (!s) return out;
  for (const x of [...s.fates, ...Object.values(s.kept).flat(), ...Object.values(s.removed).flat()]) {
    const key = `${x.source}\u0000${x.id}`;
    const seen = out.get(key);
    if (!seen || x.text.length > seen.text.length) out.set(key, x);
  }
  return out;
}

/** Documents sampled in both runs whose fate differs: kept in one and dropped in the other, or dropped for another reason. */
export function fateSection(a: RunView, b: RunView): Section {
  if (!a.data || !b.data) return { id: 'fates', title: 'Documents that moved', intro: '', parts: [html`<p class="note">One of the runs collected no report data: no documents to compare.</p>`] };
  const inA = samplesById(a);
  const inB = samplesById(b);
  const groups = { keptToDropped: [] as [Sample, Sample][], droppedToKept: [] as [Sample, Sample][], otherReason: [] as [Sample, Sample][] };
  for (const [key, x] of [...inA.entries()].sort((p, q) => p[1].h - q[1].h || (p[0] < q[0] ? -1 : 1))) {
    const y = inB.get(key);
    if (!y || fate(x) === fate(y)) continue;
    if (x.kind === 'kept') groups.keptToDropped.push([x, y]);
    else if (y.kind === 'kept') groups.droppedToKept.push([x, y]);
    else groups.otherReason.push([x, y]);
  }
  // the fate samples are the same ids in both runs over the same inputs: a fair estimate of how many moved
  const fa = new Map(a.data.samples.fates.map((s) => [`${s.source}\u0000${s.id}`, s]));
  let common = 0;
  let changed = 0;
  for (const s of b.data.samples.fates) {
    const x = fa.get(`${s.source}\u0000${s.id}`);
    if (!x) continue;
    common++;
    if (fate(x) !== fate(s)) changed++;
  }
  const LIMIT = 25;
  const pairs = (list: [Sample, Sample][]): Html =>
    html`${list.slice(0, LIMIT).map(([x, y]) => sampleCard(x, html`<span class="run-label">in B: ${y.kind === 'kept' ? 'kept' : `${y.kind} by ${y.stage ?? '?'}: ${y.reason ?? '?'}`}; in A:</span>`))}${list.length > LIMIT ? html`<p class="note">${list.length - LIMIT} more not shown.</p>` : ''}`;
  return {
    id: 'fates',
    title: 'Documents that moved',
    intro: `Documents sampled in both runs (the same ids: each run samples by a seeded hash of the id) whose fate differs. Of the ${fmt(common)} documents in both runs' fate samples, ${fmt(changed)} (${pct(changed, common)}) changed fate.`,
    parts: [
      html`<details open>
        <summary><b>Kept in A, dropped in B</b> <span class="count">${groups.keptToDropped.length} sampled</span></summary>
        ${pairs(groups.keptToDropped)}
      </details>`,
      html`<details open>
        <summary><b>Dropped in A, kept in B</b> <span class="count">${groups.droppedToKept.length} sampled</span></summary>
        ${pairs(groups.droppedToKept)}
      </details>`,
      html`<details>
        <summary><b>Dropped in both, by another stage or reason</b> <span class="count">${groups.otherReason.length} sampled</span></summary>
        ${pairs(groups.otherReason)}
      </details>`,
    ],
  };
}

async function sideBySide(a: Section, b: Section): Promise<Html> {
  return html`<section id="${a.id}">
    <h2>${a.title}</h2>
    ${a.intro ? html`<p class="intro">${a.intro}</p>` : ''}
    <div class="cols">
      <div>
        <h3>A</h3>
        ${await renderParts(a.parts)}
      </div>
      <div>
        <h3>B</h3>
        ${await renderParts(b.parts)}
      </div>
    </div>
  </section>`;
}

export async function comparePage(a: RunView, b: RunView): Promise<string> {
  const single = (s: Section): Promise<Html> =>
    renderParts(s.parts).then(
      (parts) =>
        html`<section id="${s.id}">
          <h2>${s.title}</h2>
          ${s.intro ? html`<p class="intro">${s.intro}</p>` : ''}${parts}
        </section>`,
    );
  const WIDTH = 380;
  const body: Html[] = [
    html`<h1>sluice report: ${a.stats.name} against ${b.stats.name}</h1>`,
    table(
      ['run', 'directory', 'finished'],
      [
        ['A', a.dir, a.stats.created],
        ['B', b.dir, b.stats.created],
      ],
    ),
    html`<nav>
      <a href="#moved">What moved</a><a href="#fates">Documents that moved</a><a href="#ledger">Ledger</a><a href="#funnel">Funnel</a><a href="#output">Output by source</a
      ><a href="#distributions">Distributions</a><a href="#shards">Shards and timing</a><a href="#samples">Documents</a>
    </nav>`,
    await single(movedSection(a, b)),
    await single(fateSection(a, b)),
    await sideBySide(summarySection(a), summarySection(b)),
    await sideBySide(funnelSection(a, WIDTH), funnelSection(b, WIDTH)),
    await sideBySide(outputSection(a), outputSection(b)),
    await sideBySide(distributionSection(a), distributionSection(b)),
    await sideBySide(shardsSection(a), shardsSection(b)),
    await sideBySide(samplesSection(a), samplesSection(b)),
  ];
  return document(`sluice report: ${a.stats.name} against ${b.stats.name}`, html`${body}`);
}
