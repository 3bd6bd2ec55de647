/**
 * The cost of reading right: one report rendered for Slack (Block Kit, with the right-to-left marks
 * in Persian) and for a terminal, in both languages, and the day's chart PNG in both languages (time
 * running right to left in Persian, refusals and the extra instance marked). Pure rendering, no I/O.
 * Goal: a report in well under a millisecond beside the diagnosis; a chart well under a second.
 * Alone: npx tsx bench/render-languages.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { LANGS } from '../src/i18n/index.js';
import { reportToSlack } from '../src/render/block-kit.js';
import { renderChart } from '../src/render/summary-chart.js';
import { renderText } from '../src/render/text.js';
import { situationReport } from '../test/fixtures/situations.js';
import { median } from './measure.js';

const ROUNDS = 2_000;

function perCall(fn: () => unknown, rounds: number): number {
  const times: number[] = [];
  for (let batch = 0; batch < 5; batch++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < rounds; i++) fn();
    times.push(Number(process.hrtime.bigint() - start) / 1e6 / rounds);
  }
  return median(times);
}

export async function benchRenderLanguages(): Promise<{ name: string; value: string }[]> {
  const report = situationReport('incident', 'status');
  const figures: { name: string; value: string }[] = [];
  for (const lang of LANGS) {
    const slack = perCall(() => reportToSlack(report, lang, { timeZone: 'Asia/Tehran' }), ROUNDS);
    const text = perCall(() => renderText(report, { lang, timeZone: 'Asia/Tehran' }), ROUNDS);
    figures.push({ name: `seed incident status, Block Kit (${lang})`, value: `${(slack * 1000).toFixed(0)} µs` });
    figures.push({ name: `seed incident status, terminal (${lang})`, value: `${(text * 1000).toFixed(0)} µs` });
  }
  const from = new Date('2026-11-25T10:00:00Z');
  const points = Array.from({ length: 1440 }, (_, i) => ({
    at: new Date(from.getTime() + i * 60_000),
    connections: i > 1380 ? 37 : 20,
    usable: 37,
    refusals: i > 1380 && i % 10 === 0 ? 1 : 0,
    extraInstances: i > 1380 ? 1 : 0,
  }));
  for (const rtl of [false, true]) {
    const options = {
      width: 960,
      height: 400,
      from,
      to: new Date(from.getTime() + 86_400_000),
      warnUtilization: 0.75,
      critUtilization: 0.9,
      labels: { title: 'title', connections: 'c', capacity: 'u', warn: 'w', crit: 'x', refusals: 'r', extraInstances: 'e' },
      formatTime: (d: Date) => d.toISOString().slice(11, 16),
      formatNumber: String,
      rtl,
    };
    await renderChart(points, options);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = process.hrtime.bigint();
      await renderChart(points, options);
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    figures.push({ name: `chart PNG 960x400, 1,440 points with marks (${rtl ? 'fa' : 'en'})`, value: `${median(times).toFixed(0)} ms` });
  }
  return figures;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const f of await benchRenderLanguages()) console.log(`${f.name}: ${f.value}`);
}
