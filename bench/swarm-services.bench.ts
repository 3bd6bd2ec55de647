/**
 * Swarm services (issue 13) on a real single-node swarm: what the Swarm read (services, tasks,
 * nodes) adds to one observation of the engine with 8 replicas of the real PHP app, how long an
 * approved scale-down from 8 to 1 takes until the orchestrator converged (tasks gone, connections
 * released), and the pure core's cost of grouping 1,000 replicas of 50 services into a report.
 * Goal: the Swarm read a small share of an observation; convergence in seconds, dominated by Swarm.
 * The swarm is created only when the engine is not a manager, and left only then.
 * Alone: npx tsx bench/swarm-services.bench.ts
 */
import { pathToFileURL } from 'node:url';
import { loadConfig } from '../src/config.js';
import type { AppInstance, AppService } from '../src/core/facts.js';
import { buildReport } from '../src/core/report.js';
import { silentLogger } from '../src/logger.js';
import { parseLabelSelector } from '../src/probes/docker/list-app-containers.js';
import { readSwarm } from '../src/probes/docker/swarm-services.js';
import { createServices } from '../src/services.js';
import { prepareCommand } from '../src/commands/command-table.js';
import { parseCommandLine } from '../src/commands/parse-command-line.js';
import { facts, instance } from '../test/fixtures/facts.js';
import { settings } from '../test/fixtures/report-settings.js';
import { dockerAvailable, testDocker, testEngineAddress } from '../test/helpers/docker-engine.js';
import { dbDsn, findHostPhp } from '../test/helpers/php-app-containers.js';
import { startPostgres } from '../test/helpers/postgres-server.js';
import { swarmSkipReason, TestSwarm } from '../test/helpers/swarm-services.js';
import { median } from './measure.js';

const REPLICAS = 8;
const RUNS = 9;

type Figure = { name: string; value: string };

export async function benchSwarmServices(): Promise<Figure[]> {
  const figures: Figure[] = [coreFigure()];
  const noEngine = (await dockerAvailable()) ?? (await swarmSkipReason());
  if (noEngine) return [...figures, { name: 'swarm: skipped', value: noEngine }];
  const php = await findHostPhp();
  if ('reason' in php) return [...figures, { name: 'swarm: skipped', value: php.reason }];

  const server = await startPostgres({ maxConnections: 100 });
  const swarm = new TestSwarm();
  try {
    await swarm.ensureManager();
    const t0 = performance.now();
    await swarm.createApp({ name: 'php_swoole_app', replicas: REPLICAS, env: { DB_POOL_SIZE: '2', SWOOLE_WORKER_NUM: '2', DB_DSN: dbDsn(server) } });
    figures.push({ name: `swarm: ${REPLICAS} replicas created and holding their pools`, value: `${((performance.now() - t0) / 1000).toFixed(1)} s` });

    const config = loadConfig({
      DATABASE_URL: server.url(),
      DBPOOL_INSTANCE_SOURCE: 'docker',
      DBPOOL_DOCKER_HOSTS: testEngineAddress(),
      APP_CONTAINER_PATTERN: swarm.pattern(),
      DBPOOL_PROBE_TIMEOUT_MS: '10000',
      DBPOOL_VERIFY_DELAY_SECONDS: '0',
      DBPOOL_LOG_LEVEL: 'silent',
    });
    const services = await createServices(config, silentLogger(), { stateFile: ':memory:', metrics: false });
    try {
      const source = services.instanceSources[0]!;
      const observeTimes: number[] = [];
      for (let i = 0; i < RUNS + 1; i++) {
        const t = performance.now();
        await source.observe();
        if (i > 0) observeTimes.push(performance.now() - t);
      }
      const docker = testDocker();
      const selector = { namePattern: new RegExp(config.app.containerPattern), label: parseLabelSelector(config.app.containerLabel) };
      const swarmTimes: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        await readSwarm(docker, selector, config.app, testEngineAddress(), AbortSignal.timeout(10_000));
        swarmTimes.push(performance.now() - t);
      }
      figures.push(
        { name: `swarm: observe() of ${REPLICAS} replicas, median of ${RUNS}`, value: `${median(observeTimes).toFixed(1)} ms` },
        { name: `swarm: of which the Swarm read (services, tasks, nodes), median`, value: `${median(swarmTimes).toFixed(1)} ms` },
      );

      const ctx = { ...services.context, requester: { kind: 'cli' as const, id: 'bench' } };
      const planned = await prepareCommand(parseCommandLine(['stop-extra'])).run(ctx);
      if (planned.kind !== 'plan') throw new Error(`no plan: ${JSON.stringify(planned)}`);
      const t1 = performance.now();
      const result = await services.remediation!.approve(planned.plan.id, ctx.requester);
      if (!result.ok) throw new Error(`not approved: ${result.reason}`);
      const scaledMs = performance.now() - t1;
      // The flow's own check after the action: it waits for Swarm to converge (polling every 2 s).
      const verification = await result.verification;
      const convergence = verification.kind === 'verified' ? verification.convergence : null;
      figures.push(
        { name: `swarm: scale ${REPLICAS} -> 1 (approve to the engine's answer)`, value: `${scaledMs.toFixed(0)} ms` },
        {
          name: 'swarm: then until converged (tasks gone, connections settled)',
          value: convergence?.converged ? `${convergence.waitedSeconds.toFixed(1)} s (${convergence.connections} connections left)` : 'did not converge in 120 s',
        },
      );
    } finally {
      await services.close();
    }
  } finally {
    await swarm.removeAll();
    await swarm.leaveIfCreated();
    await server.stop();
  }
  return figures;
}

/** 50 services of 20 replicas each, with the newest expected only: the core's grouping and candidates. */
function coreFigure(): Figure {
  const services: AppService[] = Array.from({ length: 50 }, (_, s) => ({
    kind: 'swarm',
    id: `svc${s}`,
    name: `php_swoole_app_${s}`,
    location: 'unix:///var/run/docker.sock',
    mode: 'replicated',
    desiredReplicas: 20,
    createdAt: new Date(Date.UTC(2026, 10, 1) + s * 60_000).toISOString(),
    updatedAt: null,
    image: 'madras/app:2.4',
    version: s,
    poolSize: { value: 10, origin: 'spec' },
    workerNum: { value: 4, origin: 'spec' },
    taskWorkerNum: { value: 0, origin: 'spec' },
    replicas: [],
  }));
  const instances: AppInstance[] = services.flatMap((svc, s) =>
    Array.from({ length: 20 }, (_, r) =>
      instance({
        id: `c${s}-${r}`,
        name: `${svc.name}.${r + 1}.t`,
        processes: r % 2 ? null : Array.from({ length: 4 }, (_, i) => ({ pid: i + 1, role: 'worker' as const, command: 'php' })),
        service: { kind: 'swarm', id: svc.id, name: svc.name, slot: r + 1 },
      }),
    ),
  );
  const f = facts({ maxConnections: 5000 }, instances);
  f.instances[0]!.services = services;
  const times: number[] = [];
  let candidates = 0;
  for (let i = 0; i < 21; i++) {
    const t = performance.now();
    candidates = buildReport('status', f, settings({ expectedInstances: 20 })).stopCandidates.length;
    if (i > 0) times.push(performance.now() - t);
  }
  return { name: 'core: report over 1,000 replicas of 50 services, median of 20', value: `${median(times).toFixed(1)} ms (${candidates} services to scale)` };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const figure of await benchSwarmServices()) console.log(`${figure.name.padEnd(64)} ${figure.value}`);
}
