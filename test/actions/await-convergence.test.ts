/** The check after a scale waits for the orchestrator (issue #13): replicas as wanted, connections settled, within a bound. */
import { describe, expect, it } from 'vitest';
import { diagnoseAfterAction, type ConvergenceTarget } from '../../src/actions/await-convergence.js';
import { actionFigures } from '../../src/core/action-figures.js';
import type { AppService } from '../../src/core/facts.js';
import { buildReport, type Report } from '../../src/core/report.js';
import { createFormatter } from '../../src/i18n/format.js';
import { catalogFor } from '../../src/i18n/index.js';
import { verificationLines } from '../../src/render/action-document.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const svc: AppService = {
  kind: 'swarm',
  id: 'svc',
  name: 'php_swoole_app',
  location: 'unix:///var/run/docker.sock',
  mode: 'replicated',
  desiredReplicas: 0,
  createdAt: null,
  updatedAt: null,
  image: null,
  version: 3,
  poolSize: { value: 5, origin: 'spec' },
  workerNum: { value: 4, origin: 'spec' },
  taskWorkerNum: { value: 0, origin: 'spec' },
  replicas: [],
};

/** A look at the world: `tasks` of the old service still running, the app holding `connections`. */
function look(tasks: number, connections: number): Report {
  const running = Array.from({ length: tasks }, (_, i) => instance({ id: `t${i}`, service: { kind: 'swarm', id: 'svc', name: svc.name } }));
  const f = facts({ appConnections: connections, clientConnections: connections + 1 }, running);
  f.instances[0]!.services = [svc];
  return buildReport('status', f, settings());
}

function clock() {
  let t = 0;
  return { now: () => t, sleep: async (ms: number) => void (t += ms) };
}

const down: ConvergenceTarget[] = [{ kind: 'swarm', id: 'svc', name: 'php_swoole_app', from: 1, to: 0 }];

describe('diagnoseAfterAction', () => {
  it('nothing scaled: one diagnosis, no convergence line', async () => {
    let n = 0;
    const { convergence } = await diagnoseAfterAction(async () => (n++, look(1, 20)), [], { timeoutMs: 10_000 });
    expect(n).toBe(1);
    expect(convergence).toBeNull();
  });

  it('waits until the task is gone and the connections stopped falling', async () => {
    const looks = [look(1, 40), look(0, 25), look(0, 20), look(0, 20)];
    let n = 0;
    const c = clock();
    const { after, convergence } = await diagnoseAfterAction(async () => looks[Math.min(n++, looks.length - 1)]!, down, { timeoutMs: 60_000, pollMs: 2000, ...c });
    expect(n).toBe(4);
    expect(after).toBe(looks[3]);
    expect(convergence).toEqual({ converged: true, waitedSeconds: 6, services: [{ name: 'php_swoole_app', running: 0, wanted: 0 }], connections: 20 });
    const t = catalogFor('en');
    const v = { kind: 'verified' as const, before: actionFigures(looks[0]!), after: actionFigures(after), convergence };
    expect(verificationLines(v, t, createFormatter('en'))[0]).toBe(
      "Converged after 6s: php_swoole_app runs 0 of 0 replicas; the app's connections settled at 20.",
    );
  });

  it('says so when the orchestrator does not get there within the bound', async () => {
    const c = clock();
    const { convergence } = await diagnoseAfterAction(async () => look(1, 40), down, { timeoutMs: 10_000, pollMs: 2000, ...c });
    expect(convergence).toMatchObject({ converged: false, waitedSeconds: 10, services: [{ running: 1, wanted: 0 }] });
    const v = { kind: 'verified' as const, before: actionFigures(look(1, 40)), after: actionFigures(look(1, 40)), convergence };
    const line = verificationLines(v, catalogFor('fa'), createFormatter('fa'))[0];
    expect(line).toContain('هنوز به وضعیت خواسته نرسیده است');
  });
});
