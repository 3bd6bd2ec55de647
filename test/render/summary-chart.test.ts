import { describe, expect, it } from 'vitest';
import { renderChart } from '../../src/render/summary-chart.js';
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
      labels: { title: label, connections: label, capacity: 'cap', warn: 'warn', crit: 'crit' },
      formatTime: (d) => d.toISOString().slice(11, 16),
      formatNumber: String,
      rtl,
    });
    expect(pngSize(png)).toEqual({ width, height });
    expect(png.length).toBeGreaterThan(5_000); // something was drawn, not a blank canvas
  });

  it('draws 86,400 points (downsampled) and an empty day', async () => {
    const dense = Array.from({ length: 86_400 }, (_, i) => ({ at: new Date(from.getTime() + i * 1000), connections: i % 97, usable: 97 }));
    const options = { width: 300, height: 150, from, to, warnUtilization: 0.75, critUtilization: 0.9, labels: { title: 't', connections: 'c', capacity: 'u', warn: 'w', crit: 'c' }, formatTime: () => '', formatNumber: String };
    expect(pngSize(await renderChart(dense, options))).toEqual({ width: 300, height: 150 });
    expect(pngSize(await renderChart([], options))).toEqual({ width: 300, height: 150 });
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
