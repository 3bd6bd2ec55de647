/** "Up" counts from the last start: a container restarted since its creation says so (real engine). */
import { afterAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/core/report.js';
import { renderText } from '../../../src/render/text.js';
import { dockerSkipReason } from '../../helpers/docker-engine.js';
import { phpSkipReason, TestContainers } from '../../helpers/php-app-containers.js';
import { settings } from '../../fixtures/report-settings.js';
import { dockerConfig, observe } from './fixtures.js';

const skip = await dockerSkipReason(phpSkipReason);

describe.skipIf(skip !== null)('a container restarted since its creation (real engine)', () => {
  const containers = new TestContainers();
  afterAll(async () => {
    await containers.removeAll();
  });

  it('keeps its creation time for ordering and counts "up" from its last start', async () => {
    const app = await containers.startCommand({ name: 'php_swoole_app', cmd: ['sleep', '100000'] });
    await new Promise((r) => setTimeout(r, 2100));
    await app.container.restart({ t: 0 });
    const obs = await observe(dockerConfig(containers));
    const [inst] = obs.instances;
    expect(Date.parse(inst?.startedAt ?? '') - Date.parse(inst?.createdAt ?? '')).toBeGreaterThanOrEqual(2000);
    const report = buildReport('instances', { observedAt: new Date(Date.parse(inst?.startedAt ?? '') + 5_000).toISOString(), postgres: { ok: false, error: { kind: 'unreachable', source: 'pg', message: '' }, database: 'd', host: 'h' }, instances: [obs] }, settings());
    expect(renderText(report, { lang: 'en' })).toContain(`${inst?.name}: running, up 5s`);
  });
});
