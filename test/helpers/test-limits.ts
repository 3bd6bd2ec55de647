import type { CommandLimits } from '../../src/commands/command-table.js';

/**
 * Idle thresholds down to 0.01 minutes (0.6 s), so that a test's sessions are old enough within
 * seconds. Passed through the composition's seams only: the product accepts 1 minute and more.
 */
export const TEST_LIMITS: CommandLimits = { idleMinutes: { min: 0.01, max: 60 * 24 * 7 } };
