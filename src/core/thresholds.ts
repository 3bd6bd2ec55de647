import type { Config } from '../config.js';

/** The knobs the pure core needs, apart from the rest of the configuration. */
export type Thresholds = Config['thresholds'];

/**
 * The share of the app's capacity that its pools may claim when all are full. Demand is the worst
 * case, so it must stay below the warn line and keep the safety margin free.
 */
export function fitRatio(t: Thresholds): number {
  return Math.min(t.warnUtilization, 1 - t.safetyMargin);
}
