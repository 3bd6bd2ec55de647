/**
 * npm run bench: every performance figure of the project in one run, as a table.
 * Figures only; no thresholds here or in the tests (goals are stated beside each figure).
 */
type Figure = { name: string; value: string };
type Bench = { title: string; load: () => Promise<() => Promise<Figure[]>> };

const benches: Bench[] = [
  { title: 'PostgreSQL status (issue 2)', load: async () => (await import('./postgres-status.bench.js')).benchPostgresStatus },
  { title: 'Docker instances vs the runbook commands (issue 3)', load: async () => (await import('./docker-instances.bench.js')).benchDockerInstances },
  { title: 'Slack ack latency (issue 4)', load: async () => (await import('./slack-ack.bench.js')).benchSlackAck },
  { title: 'A burst of 200 /dbpool status (issue 11)', load: async () => (await import('./status-burst.bench.js')).benchStatusBurst },
  { title: 'History sampler and daily summary (issue 6)', load: async () => (await import('./schedule.bench.js')).benchSchedule },
  { title: 'The bot at rest (issue 7)', load: async () => (await import('./bot-idle.bench.js')).benchBotIdle },
  { title: 'PgBouncer admin console (issue 12)', load: async () => (await import('./pgbouncer-status.bench.js')).benchPgBouncerStatus },
  { title: 'Held connections attributed to instances and processes (issue 10)', load: async () => (await import('./attribution.bench.js')).benchAttribution },
  { title: 'The CLI as a whole process, beside the runbook and check_pgactivity (issue 14)', load: async () => (await import('./cli-process.bench.js')).benchCliProcess },
  { title: 'Socket Mode refresh_requested (issue 17)', load: async () => (await import('./socket-refresh.bench.js')).benchSocketRefresh },
  { title: 'Swarm services (issue 13)', load: async () => (await import('./swarm-services.bench.js')).benchSwarmServices },
  { title: 'Reports and chart in both languages (issue 16)', load: async () => (await import('./render-languages.bench.js')).benchRenderLanguages },
  { title: 'Kubernetes Deployments on a real API server (issue 18)', load: async () => (await import('./kubernetes.bench.js')).benchKubernetes },
];

const only = process.argv.slice(2);
const rows: [string, string, string][] = [];
for (const bench of benches) {
  if (only.length > 0 && !only.some((o) => bench.title.toLowerCase().includes(o.toLowerCase()))) continue;
  process.stderr.write(`… ${bench.title}\n`);
  try {
    const run = await bench.load();
    for (const figure of await run()) rows.push([bench.title, figure.name, figure.value]);
  } catch (err) {
    rows.push([bench.title, 'failed', String((err as Error).message).split('\n')[0] ?? '']);
  }
}
rows.push(['process', 'peak RSS of the bench process', `${Math.round(process.resourceUsage().maxRSS / 1024)} MiB`]);

const widths = [0, 1, 2].map((i) => Math.max(...rows.map((r) => (r[i] ?? '').length), 6));
const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
console.log(line(['bench', 'figure', 'value']));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const r of rows) console.log(line(r));
process.exit(0);
