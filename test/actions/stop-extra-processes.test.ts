/** The runbook's `kill [PID]` on real local processes: only the older master, SIGTERM then SIGKILL. */
import { afterAll, describe, expect, it } from 'vitest';
import { prepareCommand } from '../../src/commands/command-table.js';
import { parseCommandLine } from '../../src/commands/parse-command-line.js';
import { loadConfig } from '../../src/config.js';
import { silentLogger } from '../../src/logger.js';
import { createProcessInstanceSource } from '../../src/probes/processes/process-instance-source.js';
import { createProcessStopper } from '../../src/probes/processes/process-stopper.js';
import { createServices } from '../../src/services.js';
import { spawnApp, type SpawnedApp } from '../helpers/spawn-app.js';

const apps: SpawnedApp[] = [];
afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
});
const alive = (pid: number | undefined) => {
  try {
    process.kill(pid ?? -1, 0);
    return true;
  } catch {
    return false;
  }
};

describe('stop extra local instances', () => {
  it('stops the older master and its workers; the newer one keeps running', async () => {
    const tag = `stop-${process.pid}`;
    const old = spawnApp({ DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '2' }, tag);
    apps.push(old);
    await old.started;
    await new Promise((r) => setTimeout(r, 1100));
    const fresh = spawnApp({ DB_POOL_SIZE: '1', SWOOLE_WORKER_NUM: '2' }, tag);
    apps.push(fresh);
    await fresh.started;

    const config = loadConfig({
      // No server listens here: the stop plan needs only the instances, and the report says UNKNOWN.
      DATABASE_URL: 'postgresql://dbpool:x@127.0.0.1:1/madras',
      DBPOOL_CONNECT_TIMEOUT_MS: '500',
      APP_PROCESS_PATTERN: `swoole-like-app\\.mjs --tag ${tag}`,
      DBPOOL_STOP_GRACE_SECONDS: '2',
    });
    const source = createProcessInstanceSource(config.app, { onlyDescendantsOf: process.pid });
    const services = await createServices(config, silentLogger(), { instanceSources: [source], stateFile: ':memory:' });
    const operator = { kind: 'cli' as const, id: 'oncall' };
    try {
      const result = await prepareCommand(parseCommandLine(['stop-extra'])).run({ ...services.context, requester: operator });
      if (result.kind !== 'plan') throw new Error(JSON.stringify(result));
      expect(result.plan.action === 'stop_extra' && result.plan.candidates.map((c) => c.id)).toEqual([`pid:${old.child.pid}`]);
      const approved = await services.remediation!.approve(result.plan.id, operator);
      expect(approved.ok && approved.outcome).toMatchObject({ instances: [{ id: `pid:${old.child.pid}`, outcome: 'stopped' }] });
      expect(alive(old.child.pid)).toBe(false);
      expect(alive(fresh.child.pid)).toBe(true);
      const left = await source.observe();
      expect(left.instances.map((i) => i.id)).toEqual([`pid:${fresh.child.pid}`]);
    } finally {
      await services.close();
    }
  });

  it('a process that ignores SIGTERM is killed after the grace period', async () => {
    const { spawn } = await import('node:child_process');
    const stubborn = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); console.log('ready'); setInterval(() => {}, 1000)"], { stdio: ['ignore', 'pipe', 'ignore'] });
    // It says so once its handler is in place: no fixed wait.
    await new Promise((r) => stubborn.stdout?.once('data', r));
    const outcome = await createProcessStopper().stop(
      { id: `pid:${stubborn.pid}`, name: 'stubborn', source: 'process', location: 'here', createdAt: undefined },
      1,
    );
    expect(outcome.outcome).toBe('killed');
    expect(alive(stubborn.pid)).toBe(false);
  });
});
