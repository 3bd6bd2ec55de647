/**
 * The image the Dockerfile builds, run as a deployment runs it. Opt-in: building needs the
 * node:24-bookworm-slim base image, which CI machines cannot pull, so this runs only when
 * DBPOOL_IMAGE names an image already built (`bash .ci/build-image.sh && DBPOOL_IMAGE=dbpool npx vitest run
 * test/deploy/docker-image.test.ts`; the script builds a local stand-in for the base when it cannot be pulled).
 * The CLI is run as a deployment runs it: `dbpool …` on the image's PATH.
 */
import { stat } from 'node:fs/promises';
import type Docker from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demuxDockerStream } from '../../src/probes/docker/demux-docker-stream.js';
import { dockerSkipReason, engineSocketReason, testDocker, testEngineSocket } from '../helpers/docker-engine.js';
import { dbDsn, phpSkipReason, TestContainers } from '../helpers/php-app-containers.js';
import { startPostgres, type TestPostgres } from '../helpers/postgres-server.js';
import { startSlackApiServer, type SlackApiServer } from '../helpers/slack-api-server.js';
import { closedPort, SIGNING_SECRET } from '../helpers/slack-bot.js';
import { sendSlashCommand } from '../helpers/slack-requests.js';

const IMAGE = process.env.DBPOOL_IMAGE?.trim() ?? '';
// The image is given the engine's socket, as docker-compose.example.yml does.
const skip = IMAGE === '' ? noImage() : await dockerSkipReason(phpSkipReason, engineSocketReason);

/** The summary chart drawn inside the container, with the one font file the image keeps. */
const CHART_SCRIPT = `
const { renderChart } = await import('/app/dist/render/summary-chart.js');
const at = new Date(0);
const png = await renderChart([{ at, connections: 10, usable: 20 }], {
  width: 200, height: 100, from: at, to: new Date(3600000), warnUtilization: 0.75, critUtilization: 0.9,
  labels: { title: 'اتصال‌ها', connections: 'c', capacity: 'u', warn: 'w', crit: 'c' },
  formatTime: (d) => d.toISOString(), formatNumber: String,
});
console.log(png.subarray(1, 4).toString('latin1').toLowerCase());
`;

function noImage(): string {
  const reason = 'DBPOOL_IMAGE is not set: build the image and name it there to test it';
  console.warn(`[image tests skipped] ${reason}`);
  return reason;
}

describe.skipIf(skip !== null)('the dbpool image (DBPOOL_IMAGE)', () => {
  const docker = testDocker();
  let server: TestPostgres;
  let api: SlackApiServer;
  let container: Docker.Container;
  let port: number;
  const apps = new TestContainers(docker);

  beforeAll(async () => {
    server = await startPostgres();
    api = await startSlackApiServer();
    port = await closedPort();
    // The app it watches: 3 workers x DB_POOL_SIZE 2, holding real connections.
    await apps.startApp({ name: 'php_swoole_app_new', env: { DB_POOL_SIZE: '2', SWOOLE_WORKER_NUM: '3', DB_DSN: dbDsn(server) } });
    const socket = testEngineSocket()!;
    const image = await docker.getImage(IMAGE).inspect();
    const healthcheck = image.Config.Healthcheck;
    // The image's own check, run every second here instead of every 30 s.
    container = await docker.createContainer({
      Image: IMAGE,
      name: `dbpool-image-test-${process.pid}`,
      Env: [
        `DATABASE_URL=${server.url()}`,
        'SLACK_BOT_TOKEN=xoxb-image-test',
        `SLACK_SIGNING_SECRET=${SIGNING_SECRET}`,
        `SLACK_API_URL=${api.apiUrl}`,
        `PORT=${port}`,
        'DBPOOL_INSTANCE_SOURCE=docker',
        `APP_CONTAINER_PATTERN=${apps.pattern()}`,
        'DBPOOL_ALLOWED_CHANNELS=C0INCIDENT',
      ],
      Healthcheck: { ...healthcheck, Interval: 1e9, StartPeriod: 0 },
      HostConfig: {
        NetworkMode: 'host', // reaches the test PostgreSQL and Slack stand-in on loopback
        Binds: [`${socket}:/var/run/docker.sock`],
        // The unprivileged user gets the socket's group, as the compose example's group_add does.
        GroupAdd: [String((await stat(socket)).gid)],
      },
    });
    await container.start();
  }, 120_000);

  afterAll(async () => {
    await container?.remove({ force: true, v: true }).catch(() => undefined);
    await apps.removeAll();
    await api?.close();
    await server?.stop();
  });

  async function execIn(cmd: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
    const stream = await exec.start({ Detach: false, Tty: false });
    const chunks: Buffer[] = [];
    await new Promise<void>((resolve, reject) => {
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    const { stdout, stderr } = demuxDockerStream(Buffer.concat(chunks));
    return { code: (await exec.inspect()).ExitCode, stdout: stdout.toString('utf8'), stderr: stderr.toString('utf8') };
  }

  /** `docker run --rm <image> <cmd>`: a container of its own on the host's network, its output when it ends. */
  async function runOnce(cmd: string[]): Promise<{ code: number; stdout: string }> {
    const once = await docker.createContainer({ Image: IMAGE, Cmd: cmd, HostConfig: { NetworkMode: 'host' } });
    try {
      await once.start();
      const { StatusCode } = (await once.wait()) as { StatusCode: number };
      const logs = await once.logs({ stdout: true, stderr: false, follow: false });
      return { code: StatusCode, stdout: demuxDockerStream(logs).stdout.toString('utf8') };
    } finally {
      await once.remove({ force: true }).catch(() => undefined);
    }
  }

  it('is built to run unprivileged, with its state on a volume and a health check on /healthz', async () => {
    const { Config } = await docker.getImage(IMAGE).inspect();
    expect(Config.User).toBe('node');
    expect(Object.keys(Config.Volumes ?? {})).toEqual(['/var/lib/dbpool']);
    expect(Config.Healthcheck?.Test?.join(' ')).toContain('/healthz');
    // --start-interval exists from Docker Engine 25 (.ci/build-image.sh leaves it out on older ones).
    const engineMajor = Number((await docker.version()).Version.split('.')[0]);
    if (engineMajor >= 25) expect((Config.Healthcheck as { StartInterval?: number } | undefined)?.StartInterval).toBe(2e9);
    expect((await execIn(['id', '-u'])).stdout.trim()).not.toBe('0');
    expect((await execIn(['node', '--version'])).stdout).toMatch(/^v24\./);
  });

  it('serves /healthz, reports healthy to the engine and keeps its state store on the volume', async () => {
    let health: { status?: string; postgres?: { reachable: boolean } } = {};
    for (let i = 0; i < 100 && health.status !== 'ok'; i++) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`)
        .then((r) => r.json() as Promise<typeof health>)
        .catch(() => ({}));
      if (health.status !== 'ok') await new Promise((r) => setTimeout(r, 200));
    }
    expect(health).toMatchObject({ status: 'ok', postgres: { reachable: true } });
    let state = '';
    for (let i = 0; i < 60 && state !== 'healthy'; i++) {
      state = (await container.inspect()).State.Health?.Status ?? '';
      if (state !== 'healthy') await new Promise((r) => setTimeout(r, 500));
    }
    expect(state).toBe('healthy');
    expect((await execIn(['ls', '/var/lib/dbpool'])).stdout).toContain('dbpool.sqlite');
  }, 60_000);

  it('answers a signed /dbpool status with a report posted through the Web API', async () => {
    const ack = await sendSlashCommand(`http://127.0.0.1:${port}/slack/events`, SIGNING_SECRET, {
      text: 'status',
      response_url: api.responseUrl('image-status'),
    });
    expect(ack.status).toBe(200);
    // The "checking…" message, then the report in its place.
    await api.waitFor((calls) => calls.some((c) => c.method === 'chat.update'), 30_000);
    expect(api.callsOf('chat.postMessage')).toHaveLength(1);
    expect(api.callsOf('chat.update')[0]?.body.channel).toBe('C0INCIDENT');
    expect(JSON.stringify(api.callsOf('chat.update')[0]?.body.blocks)).toContain('max_connections');
  }, 60_000);

  it('runs the CLI inside the container against the same database', async () => {
    const run = await execIn(['dbpool', 'connections', '--json']);
    expect(run.code, run.stderr).not.toBe(3);
    const report = JSON.parse(run.stdout) as { format: string; target: unknown; facts: { postgres: { ok: boolean; facts?: { maxConnections: number } } } };
    expect(report.format).toBe('dbpool.report/1');
    expect(report.target).toEqual({ host: `${server.host}:${server.port}`, database: server.database });
    expect(report.facts.postgres.ok).toBe(true);
    const admin = await server.admin();
    const { rows } = await admin.query<{ max: number }>(`SELECT current_setting('max_connections')::int AS max`);
    await admin.end();
    expect(report.facts.postgres.facts?.maxConnections).toBe(rows[0]?.max);
  });

  it('sees the app through the mounted socket: its instance, 3 workers x DB_POOL_SIZE 2', async () => {
    const run = await execIn(['dbpool', 'instances', '--json']);
    const report = JSON.parse(run.stdout) as {
      facts: { instances: { ok: boolean; instances: { name: string; poolSize: unknown; processes: { role: string }[] | null }[] }[] };
      math: { instances: { demand: number | null }[] };
    };
    const [observation] = report.facts.instances;
    expect(observation?.ok, run.stdout).toBe(true);
    expect(observation?.instances.map((i) => i.name)).toEqual([`${apps.prefix}php_swoole_app_new`]);
    // Without process titles a worker and a task worker look alike: with no task workers, all are workers.
    const workers = observation?.instances[0]?.processes?.filter((p) => p.role === 'worker' || p.role === 'worker_or_task');
    expect(workers, JSON.stringify(observation?.instances[0])).toHaveLength(3);
    expect(report.math.instances.map((i) => i.demand)).toEqual([6]);
  });

  it('`dbpool` is the launcher, and it finds the startup snapshot the build made with the image\'s own node', async () => {
    const found = await execIn([
      'sh',
      '-c',
      'readlink -f "$(command -v dbpool)"; for n in /app/dist/cli/snapshot/*.node; do [ "$n" -ef "$(command -v node)" ] && ! [ /app/dist/cli/run-cli.js -nt "${n%.node}.blob" ] && echo "snapshot ${n##*/}"; done',
    ]);
    const [launcher, snapshot] = found.stdout.trim().split('\n');
    expect(launcher).toBe('/app/dist/cli/dbpool');
    expect(snapshot, found.stdout + found.stderr).toMatch(/^snapshot dbpool-v24\.\d+\.\d+\.node$/);
  });

  it('runs `dbpool` as a one-off container: docker run --rm <image> dbpool math …', async () => {
    const { code, stdout } = await runOnce(['dbpool', 'math', '--workers', '4', '--pool', '30', '--instances', '2', '--max-connections', '200', '--json']);
    const report = JSON.parse(stdout) as { format: string; verdict: string; exitCode: number };
    expect(report.format).toBe('dbpool.report/1');
    // 2 x 4 x 30 = 240 against 197 usable: CRIT, and the exit code says so as for every report.
    expect(report.verdict).toBe('CRIT');
    expect(code).toBe(report.exitCode);
  }, 60_000);

  it('ships what runs: none of dockerode\'s ssh and BuildKit transports, one Vazirmatn file, and the chart still draws', async () => {
    const gone = await execIn(['sh', '-c', 'ls -d node_modules/ssh2 node_modules/cpu-features node_modules/@grpc node_modules/protobufjs node_modules/better-sqlite3 2>/dev/null; find node_modules/vazirmatn -name "*.ttf" -o -name "*.woff*"']);
    expect(gone.stdout.trim()).toBe('node_modules/vazirmatn/fonts/ttf/Vazirmatn-Regular.ttf');
    const chart = await execIn(['node', '--input-type=module', '-e', CHART_SCRIPT]);
    expect(chart.stderr).toBe('');
    expect(chart.stdout.trim()).toBe('png');
  }, 60_000);

  it('stops cleanly on docker stop (SIGTERM), exit code 0', async () => {
    await container.stop({ t: 20 });
    expect((await container.inspect()).State.ExitCode).toBe(0);
  }, 30_000);
});
