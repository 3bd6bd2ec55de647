import { createCanvas, loadImage } from '@napi-rs/canvas';
import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/render/summary-chart.js';
import { chartConfig, rtlTextPlugin, type ChartOptions } from '../../src/render/summary-chart-config.js';
import { sparkline } from '../../src/render/sparkline.js';

const from = new Date('2026-11-25T05:30:00Z');
const to = new Date('2026-11-26T05:30:00Z');
const points = Array.from({ length: 1440 }, (_, i) => ({
  at: new Date(from.getTime() + i * 60_000),
  connections: i >= 600 && i < 630 ? null : 40 + Math.round(30 * Math.sin(i / 100)),
  usable: 97,
}));

/** PNG signature, then the IHDR chunk: width and height big-endian at bytes 16 and 20. */
function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('chart of the day', () => {
  it.each([
    [800, 400, false, 'Connections'],
    [640, 320, true, 'اتصال‌ها'],
  ])('is a valid PNG of %ix%i (rtl %s)', async (width, height, rtl, label) => {
    const png = await renderChart(points, {
      width,
      height,
      from,
      to,
      warnUtilization: 0.75,
      critUtilization: 0.9,
      labels: { title: label, connections: label, capacity: 'cap', warn: 'warn', crit: 'crit', refusals: 'refused', extraInstances: 'extra' },
      formatTime: (d) => d.toISOString().slice(11, 16),
      formatNumber: String,
      rtl,
    });
    expect(pngSize(png)).toEqual({ width, height });
    expect(png.length).toBeGreaterThan(5_000); // something was drawn, not a blank canvas
  });

  it('draws 86,400 points (downsampled) and an empty day', async () => {
    const dense = Array.from({ length: 86_400 }, (_, i) => ({ at: new Date(from.getTime() + i * 1000), connections: i % 97, usable: 97 }));
    const options = { width: 300, height: 150, from, to, warnUtilization: 0.75, critUtilization: 0.9, labels: { title: 't', connections: 'c', capacity: 'u', warn: 'w', crit: 'c', refusals: 'r', extraInstances: 'e' }, formatTime: () => '', formatNumber: String };
    expect(pngSize(await renderChart(dense, options))).toEqual({ width: 300, height: 150 });
    expect(pngSize(await renderChart([], options))).toEqual({ width: 300, height: 150 });
  });
});

describe('chart layout in both languages', () => {
  const options = (rtl: boolean): ChartOptions => ({
    width: 800,
    height: 400,
    from,
    to,
    warnUtilization: 0.75,
    critUtilization: 0.9,
    labels: { title: 'title', connections: 'c', capacity: 'u', warn: 'w', crit: 'x', refusals: 'refused', extraInstances: 'extra' },
    formatTime: (d) => d.toISOString().slice(11, 16),
    formatNumber: String,
    rtl,
  });
  // Two instances from 10:00 to 11:00 UTC (hours 4.5 to 5.5 of the window); refusals at 10:30 only.
  const incident = points.map((p) => {
    const minute = (p.at.getTime() - from.getTime()) / 60_000;
    return { ...p, extraInstances: minute >= 270 && minute < 330 ? 1 : 0, refusals: minute === 300 ? 3 : 0 };
  });

  it('Persian: time runs right to left, the y axis on the right, the title laid out right to left', () => {
    const fa = chartConfig(incident, options(true));
    expect(fa.options?.scales?.x?.reverse).toBe(true);
    expect((fa.options?.scales?.y as { position?: string }).position).toBe('right');
    expect(fa.options?.plugins?.legend?.rtl).toBe(true);
    expect(fa.plugins).toContain(rtlTextPlugin);
    const en = chartConfig(incident, options(false));
    expect(en.options?.scales?.x?.reverse).toBe(false);
    expect((en.options?.scales?.y as { position?: string }).position).toBe('left');
    expect(en.plugins).toEqual([]);
  });

  it('marks the refusals where they happened and the extra instance for as long as it ran', () => {
    const config = chartConfig(incident, options(false));
    const set = (label: string) => config.data.datasets.find((d) => d.label === label)!;
    expect(set('refused').data.map((p) => p.x)).toEqual([5]);
    const band = set('extra').data.filter((p) => p.y !== null).map((p) => p.x);
    expect(Math.min(...band)).toBe(4.5);
    // Downsampled to 2-minute buckets: the last one starts in the last two minutes of the hour.
    expect(Math.max(...band)).toBeGreaterThan(5.4);
    expect(Math.max(...band)).toBeLessThan(5.5);
  });

  it('keeps the marks when a dense day is downsampled', () => {
    const dense = Array.from({ length: 86_400 }, (_, i) => ({ at: new Date(from.getTime() + i * 1000), connections: 40, usable: 97, refusals: i === 43_210 ? 1 : 0, extraInstances: i >= 40_000 && i < 41_000 ? 1 : 0 }));
    const config = chartConfig(dense, options(true));
    const set = (label: string) => config.data.datasets.find((d) => d.label === label)!;
    expect(set('refused').data).toHaveLength(1);
    expect(set('extra').data.some((p) => p.y !== null)).toBe(true);
  });

  /** Widths of the ink clusters of the title row, left to right, as drawn in the PNG. */
  async function titleClusters(png: Buffer, width: number): Promise<number[]> {
    const canvas = createCanvas(width, 30);
    const ctx = canvas.getContext('2d');
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, width, 30);
    ctx.drawImage(await loadImage(png), 0, 0);
    const pixels = ctx.getImageData(0, 0, width, 30).data;
    const inked = (x: number) => Array.from({ length: 30 }, (_, y) => pixels[(y * width + x) * 4]! < 128).some(Boolean);
    const widths: number[] = [];
    let start = -1;
    let blank = 0;
    for (let x = 0; x <= width; x++) {
      if (x < width && inked(x)) {
        if (start < 0) start = x;
        blank = 0;
      } else if (start >= 0 && (++blank > 3 || x === width)) {
        widths.push(x - blank - start + 1);
        start = -1;
      }
    }
    return widths;
  }

  it('the Persian title is drawn right to left: a Persian word then a Latin one puts the Persian word on the right', async () => {
    // A one-letter Persian word, then a long Latin one: which side the narrow cluster lands on is the paragraph's direction.
    const titled = (rtl: boolean): ChartOptions => ({ ...options(rtl), labels: { ...options(rtl).labels, title: 'ا abcdefghijklmnop' } });
    const fa = await titleClusters(await renderChart(incident, titled(true)), 800);
    expect(fa).toHaveLength(2);
    const [leftFa, rightFa] = fa;
    expect(leftFa!).toBeGreaterThan(rightFa!);
    const [leftEn, rightEn] = await titleClusters(await renderChart(incident, titled(false)), 800);
    expect(leftEn!).toBeLessThan(rightEn!);
  });

  it('draws both languages with the marks as PNGs', async () => {
    for (const rtl of [false, true]) expect(pngSize(await renderChart(incident, options(rtl)))).toEqual({ width: 800, height: 400 });
  });
});

describe('sparkline', () => {
  it('scales from zero to max with eight bars', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], { max: 7 })).toBe('▁▂▃▄▅▆▇█');
  });

  it('shows a gap as a space, never as the lowest bar', () => {
    expect(sparkline([7, null, 7], { max: 7 })).toBe('█ █');
  });

  it('averages into the requested width', () => {
    const line = sparkline(Array.from({ length: 1440 }, (_, i) => (i < 720 ? 0 : 10)), { width: 48 });
    expect([...line]).toHaveLength(48);
    expect(line).toBe('▁'.repeat(24) + '█'.repeat(24));
  });

  it('handles no values', () => {
    expect(sparkline([])).toBe(' ');
  });
});
