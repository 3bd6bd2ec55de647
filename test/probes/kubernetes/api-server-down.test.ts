/**
 * The API server stopped (issue #18): the source says so in a sentence, the report names it, and a
 * scale-down cannot even be planned (dbpool never acts on what it could not read).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makePlan } from '../../../src/actions/remediation-plan.js';
import type { Facts } from '../../../src/core/facts.js';
import { buildReport } from '../../../src/core/report.js';
import { renderText } from '../../../src/render/text.js';
import { kubeSkipReason, startCluster, type TestCluster } from '../../helpers/kube-apiserver.js';
import { createDeployment, grant, podsOf, READ_RULES, setPodRunning } from '../../helpers/kube-app.js';
import { settings } from '../../fixtures/report-settings.js';
import { kubeConfig, observeCluster } from './fixtures.js';

const skip = kubeSkipReason();

describe.skipIf(skip !== null)('the API server stopped (real kube-apiserver)', () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startCluster();
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  });

  it('gives a clear unreachable observation, a finding naming it, and no plan', async () => {
    const ns = 'down';
    await cluster.namespace(ns);
    await grant(cluster, ns, 'dbpool', READ_RULES);
    await createDeployment(cluster, ns, { name: 'php-swoole-app', replicas: 2, env: [{ name: 'DB_POOL_SIZE', value: '5' }] });
    const pods = await podsOf(cluster, ns, 'php-swoole-app', 2);
    await Promise.all(pods.map((p, i) => setPodRunning(cluster, ns, p.metadata.name, `127.0.0.${91 + i}`)));
    const config = kubeConfig(await cluster.kubeconfig('dbpool', ns));
    expect((await observeCluster(config)).instances).toHaveLength(2);

    await cluster.stopApiServer();
    const obs = await observeCluster(config);
    expect(obs).toMatchObject({ ok: false, instances: [], error: { kind: 'unreachable', code: 'ECONNREFUSED', source: `kubernetes test/${ns}` } });

    const facts: Facts = {
      observedAt: new Date().toISOString(),
      postgres: { ok: false, error: { kind: 'unreachable', source: 'postgres', message: 'not started' }, database: 'madras', host: '127.0.0.1' },
      instances: [obs],
      pgbouncers: [],
    };
    const report = buildReport('status', facts, settings({ expectedInstances: 1 }));
    expect(report.findings.find((f) => f.code === 'instance_source_failed')?.params).toMatchObject({ source: `kubernetes test/${ns}`, kind: 'unreachable' });
    expect(renderText(report, { lang: 'en' })).toContain(`App instances could not be listed from kubernetes test/${ns} (unreachable): connect ECONNREFUSED 127.0.0.1:`);
    expect(makePlan('stop_extra', report, { kind: 'cli', id: 'ops' }, new Date(), 15)).toMatchObject({ ok: false, reason: 'blind' });
  });
});
