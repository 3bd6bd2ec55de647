import { createRequire } from 'node:module';
import path from 'node:path';
import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Chart, registerables } from 'chart.js';
import { chartConfig, FONT_FAMILY, type ChartOptions, type ChartPoint } from './summary-chart-config.js';

export type { ChartLabels, ChartOptions, ChartPoint } from './summary-chart-config.js';

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
  const config = chartConfig(points, o);
  // Chart.js picks its DOM-free platform for a non-DOM context; its types only know DOM canvases.
  const chart = new Chart(ctx as unknown as ConstructorParameters<typeof Chart>[0], config);
  try {
    return await canvas.encode('png');
  } finally {
    chart.destroy();
  }
}
