const BARS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/**
 * A one-line text chart for where a PNG cannot be uploaded: the values are averaged into `width`
 * buckets and scaled from 0 to `max` (default: the largest value). A bucket with no data is a space,
 * so a gap never reads as "no connections".
 */
export function sparkline(values: (number | null)[], options: { width?: number; max?: number } = {}): string {
  const width = Math.max(1, Math.min(options.width ?? 48, values.length || 1));
  const buckets: (number | null)[] = [];
  for (let b = 0; b < width; b++) {
    const start = Math.floor((b * values.length) / width);
    const end = Math.max(start + 1, Math.floor(((b + 1) * values.length) / width));
    let sum = 0;
    let n = 0;
    for (let i = start; i < end && i < values.length; i++) {
      const v = values[i];
      if (v !== null && v !== undefined && Number.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    buckets.push(n > 0 ? sum / n : null);
  }
  const max = options.max ?? buckets.reduce<number>((m, v) => (v === null ? m : Math.max(m, v)), 0);
  return buckets
    .map((v) => {
      if (v === null) return ' ';
      if (max <= 0) return BARS[0];
      const i = Math.round((Math.min(Math.max(v, 0), max) / max) * (BARS.length - 1));
      return BARS[i] ?? BARS[0];
    })
    .join('');
}
