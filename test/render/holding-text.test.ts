/** The measured holding and the untold workers in words, both languages: terminal text and JSON. */
import { describe, expect, it } from 'vitest';
import type { AppProcess, ClientSession } from '../../src/core/facts.js';
import { buildReport, type ReportView } from '../../src/core/report.js';
import { reportToSlack } from '../../src/render/block-kit.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import { facts, instance } from '../fixtures/facts.js';
import { settings } from '../fixtures/report-settings.js';

const conn = (port: number) => ({ localAddress: '10.0.0.5', localPort: port, remoteAddress: '10.0.0.9', remotePort: 5432, inode: port });
const proc = (pid: number, ports: number[], role: AppProcess['role'] = 'worker_or_task'): AppProcess => ({ pid, role, command: 'php server.php', connections: ports.map(conn) });
const session = (port: number, state: string, stateSeconds = 5): ClientSession => ({ pid: 5000 + port, clientAddr: '10.0.0.5', clientPort: port, state, user: 'app', application: 'php', stateSeconds });

function report(view: ReportView) {
  // 4 workers + 2 task workers configured, no titles: 6 children of the manager, one leaking.
  const app = instance({
    name: 'php_swoole_app',
    poolSize: { value: 2, origin: 'env' },
    taskWorkerNum: { value: 2, origin: 'env' },
    processes: [proc(10, [], 'master'), proc(11, [], 'manager'), proc(12, [1, 2]), proc(13, [3, 4]), proc(14, [5, 6]), proc(15, [7, 8]), proc(16, [9, 10]), proc(17, [11, 12])],
  });
  const sessions = [...Array.from({ length: 12 }, (_, i) => session(i + 1, i < 2 ? 'idle in transaction' : i === 2 ? 'active' : 'idle')), session(99, 'idle')];
  return buildReport(view, facts({ sessions }, [app]), settings());
}

describe('holding in words', () => {
  it('English: untold workers in the math, holding beside the demand, the leaking process, the unattributed', () => {
    expect(renderText(report('status'), { lang: 'en' })).toContain(
      "php_swoole_app: (6 workers and task workers (can't tell which without process titles)) x DB_POOL_SIZE 2 = 12",
    );
    const instances = renderText(report('instances'), { lang: 'en' });
    expect(instances).toContain('holds 12 (idle 9, active 1, idle in transaction 2), could ask for 12');
    expect(instances).toContain('by process: pid 12 2/2 (2 idle in transaction) · pid 13 2/2');
    expect(instances).toContain('1 not attributed to an instance: 1 from no app process or container address dbpool can see');
    expect(instances).toContain('The worker or task worker pid 12 of php_swoole_app holds 2 of its 2 connections idle in transaction');
    const connections = renderText(report('connections'), { lang: 'en' });
    expect(connections).toContain('Held by instance: php_swoole_app 12');
    const workers = renderText(report('workers'), { lang: 'en' });
    expect(workers).toContain("php_swoole_app: 1 master, 1 manager, 0 workers, 0 task workers, 6 workers or task workers (can't tell which without process titles)");
  });

  it('Persian: the same, in Persian digits', () => {
    const instances = renderText(report('instances'), { lang: 'fa' }).replace(/\u200F/g, '');
    expect(instances).toContain('۱۲ اتصال نگه داشته (بیکار ۹، فعال ۱، بیکار در تراکنش ۲)، می‌تواند تا ۱۲ بخواهد');
    expect(instances).toContain('۱ اتصال به هیچ نمونه‌ای نسبت داده نشد');
    expect(renderText(report('status'), { lang: 'fa' }).replace(/\u200F/g, '')).toContain('۶ worker و task worker (بدون عنوان پردازه از هم تشخیص داده نمی‌شوند)');
    // pids stay as the system writes them, left to right.
    expect(instances).toContain('pid \u206612\u2069 ۲/۲ (۲ بیکار در تراکنش)');
  });

  it('Block Kit: the same document, in both languages', () => {
    const blocks = (lang: 'en' | 'fa') => JSON.stringify(reportToSlack(report('instances'), lang).blocks);
    expect(blocks('en')).toContain('holds 12 (idle 9, active 1, idle in transaction 2), could ask for 12');
    expect(blocks('en')).toContain('pid `12` 2/2 (2 idle in transaction)');
    expect(blocks('fa')).toContain('۱۲ اتصال نگه داشته');
  });

  it('JSON: the holding per instance and process, with the backend pids', () => {
    const json = JSON.parse(renderJson(report('status')));
    expect(json.holding.instances[0]).toMatchObject({ name: 'php_swoole_app', method: 'sockets', held: { total: 12 } });
    expect(json.holding.instances[0].processes[0]).toMatchObject({ pid: 12, role: 'worker_or_task', backendPids: [5001, 5002] });
    expect(json.holding.unattributed).toMatchObject({ total: 1, no_match: 1 });
    expect(json.math.instances[0]).toMatchObject({ untold: 6, holders: 6, demand: 12 });
  });
});
