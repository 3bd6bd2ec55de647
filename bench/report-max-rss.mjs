// Preloaded by bench/cli-process.bench.ts (node --import): writes the process's peak RSS in KiB to
// DBPOOL_BENCH_RSS_FILE when it exits, so a whole CLI run is measured without external tools.
import { writeFileSync } from 'node:fs';

const file = process.env.DBPOOL_BENCH_RSS_FILE;
if (file) process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS)));
