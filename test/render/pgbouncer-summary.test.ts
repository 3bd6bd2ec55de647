import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { loadConfig } from '../../src/config.js';
import { buildSummary, type SummaryDeps } from '../../src/diagnosis/build-summary.js';
import type { Lang } from '../../src/i18n/index.js';
import { renderSummary } from '../../src/render/render-summary.js';
import { summaryDocumentToText } from '../../src/render/summary-text.js';
import { HistoryStore } from '../../src/state/history-store.js';
import { openStateDb } from '../../src/state/state-store.js';
import { facts, instance } from '../fixtures/facts.js';
import { pgbouncerFacts, pgbouncerOk } from '../fixtures/pgbouncer-facts.js';
import { settings } from '../fixtures/report-settings.js';
import { okSample } from '../fixtures/samples.js';

const NOW = new Date('2026-11-26T05:30:00Z');

/** The summary as the scheduler builds it, rendered without the chart. */
async function summaryNow(d: SummaryDeps, now: Date, lang: Lang) {
  return renderSummary(await buildSummary(d, now), lang, { timeZone: 'Asia/Tehran', chart: false });
}

function deps(): SummaryDeps {
  const history = new HistoryStore(openStateDb(':memory:'));
  for (let i = 1; i <= 60; i++) history.append(okSample(new Date(NOW.getTime() - i * 60_000), 5));
  const app = [instance({ poolSize: { value: 30, origin: 'env' }, dbEndpoint: { host: 'pgbouncer', port: 6432, variables: ['DB_HOST', 'DB_PORT'] } })];
  const f = { ...facts({ maxConnections: 60, clientConnections: 2, appConnections: 1 }, app), pgbouncers: [pgbouncerOk(pgbouncerFacts({ settings: { maxClientConn: 400 }, clients: 121 }))] };
  return { history, audit: null, config: loadConfig({}), currentReport: async () => buildReport('status', f, settings()) };
}

describe('daily summary behind PgBouncer', () => {
  it("'pool math now' is PgBouncer's two layers, not the app's pools against max_connections", async () => {
    const en = summaryDocumentToText((await summaryNow(deps(), NOW, 'en')).doc);
    expect(en).toContain('PgBouncer pgbouncer:6432: 121 / max_client_conn 400 clients (full app pools 120); server pools up to 10 of 56 available in PostgreSQL');
    expect(en).not.toContain('Full pools need');
    const fa = summaryDocumentToText((await summaryNow(deps(), NOW, 'fa')).doc);
    expect(fa).toContain('۱۲۱ کلاینت از');
  });
});
