/**
 * Charts: Vega-Lite specifications compiled to Vega and rendered to static SVG here, in Node, so
 * the page carries finished pictures and runs no script. Only `sluice report` loads this module
 * (vega is about 1 MB of JavaScript; the CLI's other commands never import it).
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';

/** One row of a chart's data; every row with a count becomes one bar. */
export type Datum = Record<string, string | number>;

export interface Chart {
  /** Heading and one line saying how to read it. */
  title: string;
  note?: string;
  spec: TopLevelSpec;
  /** Bars the chart must draw: the test checks the rendered SVG has exactly this many. */
  marks: number;
}

/** The rendered chart: SVG markup from Vega's own renderer (it escapes its text). */
export interface RenderedChart extends Chart {
  svg: string;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

/** Fixed look for every chart: small fonts, no external resources (Vega's SVG references none). */
const CONFIG = {
  font: FONT,
  axis: { labelFontSize: 10, titleFontSize: 11, labelLimit: 160 },
  legend: { labelFontSize: 10, titleFontSize: 11, labelLimit: 220 },
  header: { labelFontSize: 11, titleFontSize: 11 },
  view: { stroke: '#ccc' },
} as const;

export async function renderChart(chart: Chart): Promise<RenderedChart> {
  const spec = { ...chart.spec, config: CONFIG } as TopLevelSpec;
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return { ...chart, svg };
}

/** Horizontal stacked bars: one bar per `y`, segments by `color` in the given order. */
export function stackedBars(args: { title: string; note?: string; data: Datum[]; x: string; xTitle: string; y: string; yOrder: string[]; color: string; colorOrder: string[]; width?: number }): Chart {
  const data = args.data.filter((d) => Number(d[args.x]) > 0);
  return {
    title: args.title,
    ...(args.note === undefined ? {} : { note: args.note }),
    marks: data.length,
    spec: {
      width: args.width ?? 560,
      height: { step: 22 },
      data: { values: data },
      mark: { type: 'bar' },
      encoding: {
        y: { field: args.y, type: 'nominal', sort: args.yOrder, title: null },
        x: { field: args.x, type: 'quantitative', stack: 'zero', title: args.xTitle },
        color: { field: args.color, type: 'nominal', sort: args.colorOrder, scale: { domain: args.colorOrder, range: palette(args.colorOrder) }, title: null, legend: { columns: 2 } },
        order: { field: 'order', type: 'quantitative' },
      },
    },
  };
}

/**
 * A histogram per source, side by side: bars over fixed buckets (`bucket`, in `bucketOrder`),
 * kept and dropped stacked where `outcome` is given. Each source keeps its own y scale.
 */
export function facetedHistogram(args: { title: string; note?: string; data: Datum[]; bucketOrder: string[]; xTitle: string; sources: string[]; stacked: boolean }): Chart {
  const data = args.data.filter((d) => Number(d['count']) > 0);
  const outcomes = ['kept', 'dropped'];
  return {
    title: args.title,
    ...(args.note === undefined ? {} : { note: args.note }),
    marks: data.length,
    spec: {
      data: { values: data },
      facet: { field: 'source', type: 'nominal', sort: args.sources, title: null },
      columns: 3,
      resolve: { scale: { y: 'independent' } },
      spec: {
        width: 250,
        height: 120,
        mark: { type: 'bar' },
        encoding: {
          x: { field: 'bucket', type: 'ordinal', sort: args.bucketOrder, title: args.xTitle, axis: { labelAngle: -50, labelOverlap: 'greedy' } },
          y: { field: 'count', type: 'quantitative', stack: 'zero', title: 'documents' },
          color: args.stacked ? { field: 'outcome', type: 'nominal', sort: outcomes, scale: { domain: outcomes, range: ['#4c78a8', '#e45756'] }, title: null } : { value: '#4c78a8' },
          order: { field: 'order', type: 'quantitative' },
        },
      },
    },
  };
}

/** Plain vertical bars, one per `x` (in `xOrder`). */
export function bars(args: { title: string; note?: string; data: Datum[]; x: string; xOrder: string[]; xTitle: string; y: string; yTitle: string }): Chart {
  const data = args.data.filter((d) => Number(d[args.y]) > 0);
  return {
    title: args.title,
    ...(args.note === undefined ? {} : { note: args.note }),
    marks: data.length,
    spec: {
      width: { step: 36 },
      height: 160,
      data: { values: data },
      mark: { type: 'bar', color: '#4c78a8' },
      encoding: {
        x: { field: args.x, type: 'ordinal', sort: args.xOrder, title: args.xTitle, axis: { labelAngle: -40 } },
        y: { field: args.y, type: 'quantitative', title: args.yTitle },
      },
    },
  };
}

/** Kept first, in blue; then one colour per stage, none of them blue, so kept stands out. */
function palette(order: string[]): string[] {
  const scheme = [
    '#e45756',
    '#f58518',
    '#54a24b',
    '#eeca3b',
    '#b279a2',
    '#9d755d',
    '#72b7b2',
    '#ff9da6',
    '#bab0ac',
    '#79706e',
    '#d67195',
    '#fcbf5f',
    '#8cd17d',
    '#b6992d',
    '#499894',
    '#86bcb6',
    '#f1ce63',
    '#d4a6c8',
  ];
  return order.map((_, i) => (i === 0 ? '#4c78a8' : scheme[(i - 1) % scheme.length]!));
}
