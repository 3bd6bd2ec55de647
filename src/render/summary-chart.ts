import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, registerables, type ChartConfiguration } from 'chart.js';

export interface ChartPoint {
  at: Date;
  connections: number | null;
  usable: number | null;
}

export interface ChartOptions {
  width: number;
  height: number;
  from: Date;
  to: Date;
  warnUtilization: number;
  critUtilization: number;
  /** Sentences from the catalog: the chart carries no language of its own. */
  labels: { title: string; connections: string; capacity: string; warn: string; crit: string };
  /** An x tick: the local time of an instant ("09:00", "۰۹:۰۰"). */
  formatTime: (at: Date) => string;
  /** The y tick numbers, in the summary's digits. */
  formatNumber: (n: number) => string;
  rtl?: boolean;
}

const FONT_FAMILY = 'Vazirmatn';
/** Enough points for a chart a few hundred pixels wide; each keeps its bucket's peak. */
const MAX_POINTS = 720;

let ready = false;

/** Chart.js components and the Vazirmatn font (Persian and Latin glyphs), once per process. */
function prepare(): void {
  if (ready) return;
  Chart.register(...registerables);
  const fontDir = path.join(path.dirname(createRequire(import.meta.url).resolve('vazirmatn/package.json')), 'fonts', 'ttf');
  GlobalFonts.registerFromPath(path.join(fontDir, 'Vazirmatn-Regular.ttf'), FONT_FAMILY);
  ready = true;
}

/** A PNG of the day: connections, usable capacity and the warn/crit lines over the window. */
export async function renderChart(points: ChartPoint[], o: ChartOptions): Promise<Buffer> {
  prepare();
  const canvas = createCanvas(o.width, o.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, o.width, o.height);
  const data = downsample(points, o.from, MAX_POINTS);
  const hours = (at: Date) => (at.getTime() - o.from.getTime()) / 3_600_000;
  const span = (o.to.getTime() - o.from.getTime()) / 3_600_000;
  const line = (key: 'connections' | 'usable', factor = 1) => data.map((p) => ({ x: hours(p.at), y: p[key] === null ? null : (p[key] ?? 0) * factor }));
  const config: ChartConfiguration<'line', { x: number; y: number | null }[]> = {
    type: 'line',
    data: {
      datasets: [
        { label: o.labels.connections, data: line('connections'), borderColor: '#1f6feb', backgroundColor: 'rgba(31,111,235,0.15)', fill: true, borderWidth: 1.5, pointRadius: 0, spanGaps: false },
        { label: o.labels.capacity, data: line('usable'), borderColor: '#444444', borderWidth: 1.5, pointRadius: 0, spanGaps: false },
        { label: o.labels.warn, data: line('usable', o.warnUtilization), borderColor: '#d29922', borderDash: [6, 4], borderWidth: 1, pointRadius: 0, spanGaps: false },
        { label: o.labels.crit, data: line('usable', o.critUtilization), borderColor: '#cf222e', borderDash: [3, 3], borderWidth: 1, pointRadius: 0, spanGaps: false },
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
        title: { display: true, text: o.labels.title, font: { family: FONT_FAMILY, size: 14 } },
        legend: { rtl: o.rtl ?? false, labels: { font: { family: FONT_FAMILY } } },
        tooltip: { enabled: false },
      },
      scales: {
        x: {
          type: 'linear',
          min: 0,
          max: span,
          reverse: false,
          ticks: {
            stepSize: 3,
            font: { family: FONT_FAMILY },
            callback: (value) => o.formatTime(new Date(o.from.getTime() + Number(value) * 3_600_000)),
          },
        },
        y: {
          beginAtZero: true,
          position: o.rtl ? 'right' : 'left',
          ticks: { font: { family: FONT_FAMILY }, callback: (value) => o.formatNumber(Number(value)) },
        },
      },
    },
  };
  // Chart.js picks its DOM-free platform for a non-DOM context; its types only know DOM canvases.
  const chart = new Chart(ctx as unknown as ConstructorParameters<typeof Chart>[0], config);
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}

/** At most `max` points: each bucket keeps its highest connections and capacity; empty buckets stay gaps. */
function downsample(points: ChartPoint[], from: Date, max: number): ChartPoint[] {
  if (points.length <= max) return points;
  const out: ChartPoint[] = [];
  const size = Math.ceil(points.length / max);
  for (let i = 0; i < points.length; i += size) {
    let connections: number | null = null;
    let usable: number | null = null;
    const bucket = points.slice(i, i + size);
    for (const p of bucket) {
      if (p.connections !== null) connections = Math.max(connections ?? 0, p.connections);
      if (p.usable !== null) usable = Math.max(usable ?? 0, p.usable);
    }
    out.push({ at: bucket[0]?.at ?? from, connections, usable });
  }
  return out;
}
