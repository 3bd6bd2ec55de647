import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/core/report.js';
import { openStateDb } from '../../src/state/state-store.js';
import { AuditLog } from '../../src/actions/audit-log.js';
import { silentLogger } from '../../src/logger.js';
import { loadConfig } from '../../src/config.js';
import { HistoryStore } from '../../src/state/history-store.js';
import { buildSummary } from '../../src/diagnosis/build-summary.js';
import { renderSummary } from '../../src/render/render-summary.js';
import { summaryDocumentToText } from '../../src/render/summary-text.js';
import { facts } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';
import { gapSample, okSample } from '../fixtures/samples.js';

const NOW = new Date('2026-11-26T05:30:00Z');

function deps() {
  const db = openStateDb(':memory:');
  const history = new HistoryStore(db);
  for (let i = 1; i <= 1440; i++) {
    const at = new Date(NOW.getTime() - i * 60_000);
    history.append(i === 100 ? gapSample(at, { refused: true, errorKind: 'server_full' }) : okSample(at, i === 200 ? 92 : 40));
  }
  const audit = new AuditLog(db, silentLogger());
  audit.record('executed', { at: new Date(NOW.getTime() - 3600_000), planId: 'p1', action: 'terminate-idle', actor: 'UALICE', detail: { outcome: {} } });
  audit.record('executed', { at: new Date(NOW.getTime() - 30 * 3600_000), planId: 'p0', action: 'stop-extra', actor: 'U9', detail: {} });
  const config = loadConfig({});
  return { history, audit, config, currentReport: async () => buildReport('status', facts(), settings()) };
}

describe('summary document', () => {
  it('in English: the figures as sentences, the actions of the day, the sparkline', async () => {
    const { doc, png } = await renderSummary(await buildSummary(deps(), NOW), 'en', { timeZone: 'Asia/Tehran', chart: false });
    expect(png).toBeNull();
    expect(doc.verdict).toBe('CRIT');
    const text = summaryDocumentToText(doc);
    expect(text).toContain('Peak 92 of 100 usable connections');
    expect(text).toContain('1 minute without data');
    expect(text).toContain('seen in 1 sample');
    expect(text).toContain('terminate-idle approved by UALICE');
    expect(text).not.toContain('stop-extra');
    expect(text).toContain('Full pools need 20 connections');
    expect(text).toMatch(/[▁▂▃▄▅▆▇█]/);
  });

  it('in Persian: Persian digits, the Tehran time, and a chart', async () => {
    const { doc, png } = await renderSummary(await buildSummary(deps(), NOW), 'fa', { timeZone: 'Asia/Tehran', chart: true });
    expect(doc.dir).toBe('rtl');
    const text = summaryDocumentToText(doc);
    expect(text).toContain('بیشینه ۹۲');
    expect(text).not.toMatch(/[0-9]{2}/);
    expect(png?.readUInt32BE(16)).toBe(960);
  });
});
