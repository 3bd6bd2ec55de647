/**
 * The service/replica model (issue #13): what an action addresses is what manages the instances.
 * Pure: facts in, report out.
 */
import { describe, expect, it } from 'vitest';
import type { AppService } from '../../src/core/facts.js';
import { buildReport } from '../../src/core/report.js';
import { createFormatter } from '../../src/i18n/format.js';
import { catalogFor } from '../../src/i18n/index.js';
import { reportToSlack } from '../../src/render/block-kit.js';
import { renderText } from '../../src/render/text.js';
import { assertBlockKitLimits } from '../helpers/slack-block-limits.js';
import { facts, instance } from '../fixtures/facts.js';
import { ENGINE, swarmService, task, withServices } from '../fixtures/swarm.js';
import { settings } from '../fixtures/report-settings.js';

describe('services as the unit of extra instances', () => {
  it('the older Swarm service beside a newer one is scaled to 0, with the orchestrator\'s command; no docker stop', () => {
    const old = swarmService({ id: 'svc-old', name: 'php_swoole_app' });
    const fresh = swarmService({ id: 'svc-new', name: 'php_swoole_app_new', createdAt: '2026-11-26T08:00:00.000Z', updatedAt: '2026-11-26T08:00:00.000Z' });
    const r = buildReport('status', withServices([task(fresh, 1), task(old, 1)], [old, fresh]), settings());
    expect(r.services.map((g) => [g.name, g.running, g.desired, g.demand])).toEqual([
      ['php_swoole_app', 1, 1, 40],
      ['php_swoole_app_new', 1, 1, 40],
    ]);
    expect(r.stopCandidates).toEqual([
      {
        id: 'svc-old',
        name: 'php_swoole_app',
        source: 'docker',
        location: ENGINE,
        createdAt: '2026-11-20T08:00:00.000Z',
        scale: { kind: 'swarm', from: 1, to: 0, updatedAt: '2026-11-20T08:00:00.000Z', replicaIds: ['svc-old-c1'] },
      },
    ]);
    expect(r.findings.map((x) => x.code)).toContain('extra_replicas');
    expect(r.findings.map((x) => x.code)).not.toContain('extra_instances');
    const rec = r.recommendations.find((x) => x.code === 'scale_down_service');
    expect(rec).toMatchObject({ params: { service: 'php_swoole_app', from: 1, to: 0, beside: ['php_swoole_app_new'] }, action: 'stop_extra' });
    expect(rec?.commands).toEqual([{ lang: 'shell', text: 'docker service scale php_swoole_app=0' }]);
    expect(r.recommendations.some((x) => x.code === 'stop_extra_instances')).toBe(false);
  });

  it('more replicas than expected: the service is scaled to the expected count; a lower pool size is sized for what stays', () => {
    const svc = swarmService({ id: 'svc', name: 'php_swoole_app', desiredReplicas: 3 });
    const r = buildReport('status', withServices([task(svc, 1), task(svc, 2), task(svc, 3)], [svc], { maxConnections: 100 }), settings());
    expect(r.stopCandidates.map((c) => c.scale && [c.scale.from, c.scale.to, c.scale.replicaIds.length])).toEqual([[3, 1, 2]]);
    expect(r.recommendations.find((x) => x.code === 'scale_down_service')?.commands[0]?.text).toBe('docker service scale php_swoole_app=1');
    expect(r.math.totalDemand).toBe(120);
  });

  it('a service wanting more than it runs counts its desired replicas; a global service is never scaled', () => {
    const starting = swarmService({ id: 'svc', name: 'php_swoole_app', desiredReplicas: 3 });
    const r = buildReport('status', withServices([task(starting, 1)], [starting]), settings({ expectedInstances: 2 }));
    expect(r.stopCandidates.map((c) => c.scale && [c.scale.from, c.scale.to])).toEqual([[3, 2]]);

    const global = swarmService({ id: 'g', name: 'php_swoole_app', mode: 'global', desiredReplicas: null });
    const fresh = swarmService({ id: 'n', name: 'php_swoole_app_new', createdAt: '2026-11-26T08:00:00.000Z' });
    const g = buildReport('status', withServices([task(global, 1), task(global, 2), task(fresh, 1)], [global, fresh]), settings({ expectedInstances: 2 }));
    // The global one cannot be scaled: it is kept, and the newer replicated one gives way.
    expect(g.stopCandidates.map((c) => [c.name, c.scale?.to])).toEqual([['php_swoole_app_new', 0]]);
  });

  it('replicas dbpool could not look into: settings from the spec, workers from the measured replicas, each labelled', () => {
    const svc = swarmService({ id: 'svc', name: 'php_swoole_app', desiredReplicas: 2 });
    const seen = task(svc, 1, { processes: Array.from({ length: 3 }, (_, i) => ({ pid: i + 1, role: 'worker' as const, command: 'php' })) });
    const remote = task(svc, 2, { processes: null, poolSize: { value: 10, origin: 'spec' }, workerNum: { value: 4, origin: 'spec' }, node: 'node-2' });
    const r = buildReport('config', withServices([seen, remote], [svc]), settings({ expectedInstances: 2 }));
    expect(r.math.instances.map((d) => [d.workers, d.workersOrigin, d.poolSizeOrigin, d.demand])).toEqual([
      [3, 'measured', 'env', 30],
      [3, 'replica', 'spec', 30],
    ]);
    expect(r.services[0]!.replicas.map((x) => [x.node, x.inspected])).toEqual([
      ['node-1', true],
      ['node-2', false],
    ]);
    const fa = renderText(r, { lang: 'fa' });
    expect(fa).toContain('از spec سرویس');
  });

  it('a replica seen by two engines (a manager listing it, its own node inspecting it) counts once, as inspected', () => {
    const svc = swarmService({ id: 'svc', name: 'php_swoole_app' });
    const inspected = task(svc, 1);
    const f = withServices([task(svc, 1, { processes: null })], [svc]);
    f.instances.push({ source: 'docker tcp://node-2:2376', ok: true, instances: [inspected] });
    const r = buildReport('status', f, settings());
    expect(r.math.instances).toHaveLength(1);
    expect(r.math.instances[0]?.workersOrigin).toBe('measured');
    expect(r.stopCandidates).toEqual([]);
  });

  it('Compose containers and bare containers are stopped one by one, with what would start them again', () => {
    const compose = (id: string, service: string, createdAt: string) =>
      instance({ id, name: `madras-${service}-1`, createdAt, service: { kind: 'compose', id: `madras/${service}`, name: service, slot: 1 } });
    const composeService = (service: string): AppService => ({
      ...swarmService({ id: `madras/${service}`, name: service }),
      kind: 'compose',
      mode: 'containers',
      desiredReplicas: null,
      compose: { project: 'madras', service, configFiles: ['/srv/madras/compose.yml'], workingDir: '/srv/madras' },
    });
    const bare = instance({ id: 'bare', name: 'php_swoole_app_old', createdAt: '2026-11-01T08:00:00.000Z', restartPolicy: 'unless-stopped' });
    const r = buildReport(
      'status',
      withServices(
        [compose('c-old', 'php_swoole_app', '2026-11-20T08:00:00.000Z'), compose('c-new', 'php_swoole_app_new', '2026-11-26T08:00:00.000Z'), bare],
        [composeService('php_swoole_app'), composeService('php_swoole_app_new')],
      ),
      settings(),
    );
    expect(r.stopCandidates.map((c) => [c.name, c.compose?.service ?? null, c.restartPolicy ?? null])).toEqual([
      ['php_swoole_app_old', null, 'unless-stopped'],
      ['madras-php_swoole_app-1', 'php_swoole_app', null],
    ]);
    const stop = r.recommendations.find((x) => x.code === 'stop_extra_instances');
    expect(stop?.params).toMatchObject({ restartUnlessStopped: ['php_swoole_app_old'], compose: [{ project: 'madras', service: 'php_swoole_app', file: '/srv/madras/compose.yml' }] });
    expect(stop?.commands.map((c) => c.text)).toEqual([
      'docker stop php_swoole_app_old',
      'docker stop madras-php_swoole_app-1',
      '# /srv/madras/compose.yml (project madras): or remove the service\nservices:\n  php_swoole_app:\n    scale: 0',
    ]);
    const t = catalogFor('en');
    const sentence = t.recommendation.stop_extra_instances(stop!.params as never, createFormatter('en'));
    expect(sentence).toContain('restart policy unless-stopped, so the stop holds across a daemon restart');
  });

  it('a Swarm task seen through a worker engine: the service known from labels only, still scaled through Swarm', () => {
    const ref = { kind: 'swarm' as const, id: 'svc', name: 'php_swoole_app' };
    const f = facts({}, [
      instance({ id: 'a', name: 'php_swoole_app.1.x', service: { ...ref, slot: 1 } }),
      instance({ id: 'b', name: 'php_swoole_app.2.y', service: { ...ref, slot: 2 } }),
    ]);
    f.instances[0]!.swarmUnread = { reason: 'not_manager', message: 'This node is not a swarm manager.', services: ['php_swoole_app'] };
    const r = buildReport('status', f, settings());
    expect(r.services[0]).toMatchObject({ read: false, desired: null, running: 2 });
    expect(r.findings.find((x) => x.code === 'swarm_services_unread')).toMatchObject({ severity: 'info' });
    expect(r.recommendations.find((x) => x.code === 'scale_down_service')?.commands[0]?.text).toBe('docker service scale php_swoole_app=1');
  });

  it('many services with many replicas stay within Block Kit\'s limits, in both languages', () => {
    const services = Array.from({ length: 30 }, (_, s) =>
      swarmService({ id: `svc${s}`, name: `php_swoole_app_${'x'.repeat(40)}_${s}`, desiredReplicas: 40, createdAt: new Date(Date.UTC(2026, 10, 1, s)).toISOString() }),
    );
    const instances = services.flatMap((svc) => Array.from({ length: 40 }, (_, r) => task(svc, r + 1)));
    const r = buildReport('status', withServices(instances, services, { maxConnections: 5000 }), settings({ expectedInstances: 40 }));
    expect(r.stopCandidates).toHaveLength(29);
    for (const lang of ['en', 'fa'] as const) {
      for (const view of ['status', 'instances'] as const) assertBlockKitLimits(reportToSlack({ ...r, view }, lang).blocks);
    }
  });
});

