import type { ChartConfiguration, Plugin } from 'chart.js';

export interface ChartPoint {
  at: Date;
  connections: number | null;
  usable: number | null;
  /** Connections refused in this sample's interval (0 when none were seen). */
  refusals?: number;
  /** App instances above the expected count (null: unknown). */
  extraInstances?: number | null;
}

/** Sentences from the catalog: the chart carries no language of its own. */
export interface ChartLabels {
  title: string;
  connections: string;
  capacity: string;
  warn: string;
  crit: string;
  refusals: string;
  extraInstances: string;
}

export interface ChartOptions {
  width: number;
  height: number;
  from: Date;
  to: Date;
  warnUtilization: number;
  critUtilization: number;
  labels: ChartLabels;
  /** An x tick: the local time of an instant ("09:00", "۰۹:۰۰"). */
  formatTime: (at: Date) => string;
  /** The y tick numbers, in the summary's digits. */
  formatNumber: (n: number) => string;
  rtl?: boolean;
}

export const FONT_FAMILY = 'Vazirmatn';
/** Enough points for a chart a few hundred pixels wide; each keeps its bucket's peak. */
const MAX_POINTS = 720;

type XY = { x: number; y: number | null };

/**
 * Chart.js sets text direction through the canvas element's CSS, which a server-side canvas does
 * not have; the 2D context's own `direction` makes Skia lay out the Persian title, legend and ticks
 * right to left (a title ending in a time or a Latin name keeps its order).
 */
export const rtlTextPlugin: Plugin<'line'> = {
  id: 'dbpoolRtlText',
  beforeDraw: (chart) => {
    (chart.ctx as unknown as { direction: string }).direction = 'rtl';
  },
};

/**
 * The Chart.js configuration of the day: connections, usable capacity, the warn/crit lines, a mark
 * where connections were refused and a band while an extra app instance ran. Pure, so its layout
 * (time running right to left in Persian, the y axis on the right) is tested without drawing.
 */
export function chartConfig(points: ChartPoint[], o: ChartOptions): ChartConfiguration<'line', XY[]> {
  const data = downsample(points, o.from, MAX_POINTS);
  const hours = (at: Date) => (at.getTime() - o.from.getTime()) / 3_600_000;
  const span = (o.to.getTime() - o.from.getTime()) / 3_600_000;
  const line = (key: 'connections' | 'usable', factor = 1) => data.map((p) => ({ x: hours(p.at), y: p[key] === null ? null : (p[key] ?? 0) * factor }));
  const top = Math.max(1, ...data.map((p) => Math.max(p.usable ?? 0, p.connections ?? 0)));
  const rtl = o.rtl ?? false;
  return {
    type: 'line',
    data: {
      datasets: [
        { label: o.labels.connections, data: line('connections'), borderColor: '#1f6feb', backgroundColor: 'rgba(31,111,235,0.15)', fill: true, borderWidth: 1.5, pointRadius: 0, spanGaps: false },
        { label: o.labels.capacity, data: line('usable'), borderColor: '#444444', borderWidth: 1.5, pointRadius: 0, spanGaps: false },
        { label: o.labels.warn, data: line('usable', o.warnUtilization), borderColor: '#d29922', borderDash: [6, 4], borderWidth: 1, pointRadius: 0, spanGaps: false },
        { label: o.labels.crit, data: line('usable', o.critUtilization), borderColor: '#cf222e', borderDash: [3, 3], borderWidth: 1, pointRadius: 0, spanGaps: false },
        {
          label: o.labels.refusals,
          data: data.filter((p) => (p.refusals ?? 0) > 0).map((p) => ({ x: hours(p.at), y: p.connections ?? p.usable ?? top })),
          showLine: false,
          pointStyle: 'triangle',
          pointRadius: 6,
          borderColor: '#cf222e',
          backgroundColor: '#cf222e',
        },
        {
          label: o.labels.extraInstances,
          // A band from the floor to the top of the chart while more instances ran than expected.
          data: data.map((p) => ({ x: hours(p.at), y: (p.extraInstances ?? 0) > 0 ? top : null })),
          stepped: true,
          fill: 'origin',
          backgroundColor: 'rgba(207,34,46,0.10)',
          borderColor: 'rgba(207,34,46,0.35)',
          borderWidth: 1,
          pointRadius: 0,
          spanGaps: false,
        },
      ],
    },
    options: {
      animation: false,
      responsive: false,
      devicePixelRatio: 1,
      parsing: false,
      normalized: true,
      font: { family: FONT_FAMILY, size: 12 },
      plugins: {
        title: { display: true, text: o.labels.title, align: rtl ? 'end' : 'center', font: { family: FONT_FAMILY, size: 14 } },
        legend: { rtl, align: rtl ? 'end' : 'center', labels: { font: { family: FONT_FAMILY } } },
        tooltip: { enabled: false },
      },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: span,
          // A Persian reader's time runs right to left, away from the y axis on the right.
          reverse: rtl,
          ticks: {
            stepSize: 3,
            font: { family: FONT_FAMILY },
            callback: (value) => o.formatTime(new Date(o.from.getTime() + Number(value) * 3_600_000)),
          },
        },
        y: {
          beginAtZero: true,
          position: rtl ? 'right' : 'left',
          ticks: { font: { family: FONT_FAMILY }, callback: (value) => o.formatNumber(Number(value)) },
        },
      },
    },
    plugins: rtl ? [rtlTextPlugin] : [],
  };
}

/** At most `max` points: each bucket keeps its highest connections and capacity, its refusals summed; empty buckets stay gaps. */
function downsample(points: ChartPoint[], from: Date, max: number): ChartPoint[] {
  if (points.length <= max) return points;
  const out: ChartPoint[] = [];
  const size = Math.ceil(points.length / max);
  for (let i = 0; i < points.length; i += size) {
    let connections: number | null = null;
    let usable: number | null = null;
    let refusals = 0;
    let extraInstances: number | null = null;
    const bucket = points.slice(i, i + size);
    for (const p of bucket) {
      if (p.connections !== null) connections = Math.max(connections ?? 0, p.connections);
      if (p.usable !== null) usable = Math.max(usable ?? 0, p.usable);
      refusals += p.refusals ?? 0;
      if (p.extraInstances !== null && p.extraInstances !== undefined) extraInstances = Math.max(extraInstances ?? 0, p.extraInstances);
    }
    out.push({ at: bucket[0]?.at ?? from, connections, usable, refusals, extraInstances });
  }
  return out;
}
