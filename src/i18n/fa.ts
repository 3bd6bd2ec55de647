import type { ProbeHintRef } from '../core/facts.js';
import type { Catalog } from './catalog.js';
import { PGBOUNCER_LOG_TEXT, type PgBouncerLogKind, type PgBouncerSign } from '../core/pgbouncer-signs.js';
import type { CountOrigin } from '../core/pool-math.js';
import type { Formatter } from './format.js';
import { K8S_EXEC_RULE, k8sRule } from '../core/kubernetes-rbac.js';

const val = (n: number | null, f: Formatter) => (n === null ? '؟' : f.num(n));
const ORIGIN: Record<CountOrigin, string> = {
  measured: 'اندازه‌گیری‌شده',
  env: 'از env',
  spec: 'از spec سرویس',
  replica: 'مانند replicaهای اندازه‌گیری‌شده‌ی دیگرش',
  fallback: 'مقدار پیش‌فرض پیکربندی',
  unknown: 'نامعلوم',
};
const originNote = (o: CountOrigin) => (o === 'env' || o === 'measured' ? '' : ` (${ORIGIN[o]})`);
/** Why a usage can exceed the usable slots: said wherever it does. */
const overUsable = (p: { connections: number; usable: number }, f: Formatter) =>
  p.connections > p.usable ? `، ${f.num(p.connections - p.usable)} اتصال بیش از جاهای قابل استفاده: نشست‌های superuser در جاهای رزرو` : '';
const when = (iso: string | null, f: Formatter) => (iso ? `، آخرین بار ${f.dateTime(iso)}` : '');
const at = (address: string, f: Formatter) => `PgBouncer ${f.code(address)}`;
const SERVICE_KIND = { swarm: 'سرویس Swarm', compose: 'سرویس Compose', kubernetes: 'Deployment در Kubernetes' } as const;
const ORCHESTRATOR = { swarm: 'Swarm', compose: 'Compose', kubernetes: 'Kubernetes' } as const;
const ago = (iso: string, now: string) => Math.max(0, (Date.parse(now) - Date.parse(iso)) / 1000);
const scaleStates = (services: { name: string; running: number; wanted: number }[], f: Formatter) =>
  f.list(services.map((s) => `${f.code(s.name)} ${f.num(s.running)} از ${f.num(s.wanted)} replica را اجرا می‌کند`));
const sign = (s: PgBouncerSign, f: Formatter) =>
  s.kind === 'endpoint'
    ? `${f.list(s.instances.map(f.code))} به ${f.code(`${s.host ?? '?'}:${s.port ?? '?'}`)} وصل می‌شوند (${f.list(s.variables.map(f.code))})`
    : s.kind === 'log'
      ? `${f.list(s.instances.map(f.code))} روی هم ${f.num(s.count)} بار ${f.code(PGBOUNCER_LOG_TEXT[s.error])} ثبت کرده‌اند`
      : `${f.num(s.count)} نشست PostgreSQL با ${s.by === 'application' ? 'برنامه‌ی' : 'کاربر'} ${f.code(s.name)}`;
const logMeaning = (kind: PgBouncerLogKind, f: Formatter): string =>
  ({
    max_client_conn: `PgBouncer به سقف ${f.code('max_client_conn')} رسیده و اتصال‌های آن را رد کرده است.`,
    cannot_connect: 'PgBouncer نتوانسته اتصال سرور به PostgreSQL باز کند (PostgreSQL از کار افتاده، پر است یا ورود PgBouncer را رد می‌کند).',
    query_wait_timeout: `پرس‌وجوها بیش از ${f.code('query_wait_timeout')} منتظر اتصال سرور مانده‌اند: pool سرور برای این بار کوچک است یا پرس‌وجوها کندند.`,
    login_failing: `PgBouncer نمی‌تواند وارد PostgreSQL شود (گذرواژه در ${f.code('auth_file')}، ${f.code('pg_hba.conf')} یا سرور پر) و در این مدت کلاینت‌ها را رد می‌کند.`,
  })[kind];

/** The variable holding the URL the hint is about. */
const url = (p: ProbeHintRef) => p.setting ?? 'DATABASE_URL';

const hint: Catalog['hint'] = {
  pg_tls_untrusted: (p, f) =>
    `گواهی سرور را CAای که dbpool به آن اعتماد دارد امضا نکرده است (${f.code('node-postgres')} حتی با ${f.code('sslmode=require')} آن را بررسی می‌کند). ` +
    `به ${f.code(url(p))} پارامتر ${f.code("sslrootcert=<the CA's file>")} را بیفزایید، یا برای رمزنگاری بدون بررسی، مانند psql، ${f.code('uselibpqcompat=true&sslmode=require')} بگذارید`,
  pg_tls_wrong_name: () => 'با همان نام میزبانی وصل شوید که گواهی برای آن صادر شده است',
  pg_tls_not_valid_now: () => 'گواهی سرور اکنون معتبر نیست (منقضی شده یا هنوز معتبر نشده است)',
  pg_tls_client_certificate: (p, f) => `سرور گواهی کلاینتی می‌خواهد که به آن اعتماد دارد: ${f.code('sslcert')} و ${f.code('sslkey')} در ${f.code(url(p))}`,
  pg_ssl_off: (p, f) => `${f.code(url(p))} رمزنگاری TLS می‌خواهد (${f.code('sslmode')}) ولی ssl سرور خاموش است: ${f.code('sslmode')} را بردارید یا ssl را روشن کنید`,
  pg_unreadable_file: (p, f) =>
    `فایل ${f.code(p.file ?? '?')} که ${f.code('sslrootcert')}، ${f.code('sslcert')} یا ${f.code('sslkey')} در ${f.code(url(p))} نام برده خوانده نمی‌شود`,
  docker_tls_untrusted: (_p, f) => `TLS: گواهی موتور Docker را CAی ${f.code('DOCKER_CERT_PATH/ca.pem')} امضا نکرده است`,
  docker_tls_wrong_name: () => 'TLS: گواهی موتور Docker برای این نشانی نیست',
  docker_tls_not_valid_now: () => 'TLS: گواهی موتور Docker اکنون معتبر نیست',
  docker_tls_client_certificate: (_p, f) =>
    `موتور Docker دست‌دهی TLS را رد کرد: گواهی کلاینتی می‌خواهد که به آن اعتماد دارد (${f.code('cert.pem')} و ${f.code('key.pem')} در ${f.code('DOCKER_CERT_PATH')})`,
  docker_socket_group: (p, f) =>
    `کاربر dbpool اجازه‌ی استفاده از سوکت Docker${p.file ? ` ${f.code(p.file)}` : ''} را ندارد: گروه سوکت را به آن بدهید ` +
    `(شماره‌ی آن: ${f.code(`stat -c %g ${p.file ?? '/var/run/docker.sock'}`)})، با ${f.code('group_add')} در compose یا ${f.code('docker run --group-add <gid>')}`,
  no_answer: (p, f) => (p.ms === undefined ? 'به‌موقع پاسخی نیامد' : `در ${f.num(p.ms)} میلی‌ثانیه پاسخی نیامد`),
  pgbouncer_client_limit: (_p, f) => `PgBouncer به ${f.code('max_client_conn')} رسیده است و حتی اتصال کنسول dbpool را هم رد می‌کند`,
  pgbouncer_not_allowed: (p, f) =>
    `${f.code(p.user ?? '?')} اجازه‌ی استفاده از کنسول مدیریت را ندارد: آن را به ${f.code('stats_users')} در ${f.code('pgbouncer.ini')} بیفزایید و ${f.code('RELOAD')} کنید`,
  pgbouncer_auth: (p, f) =>
    `گذرواژه‌ی ${f.code(p.user ?? '?')} را در ${f.code(url(p))} با ${f.code('auth_file')} در PgBouncer (${f.code('userlist.txt')}) مقایسه کنید`,
  pgbouncer_startup_parameter: (p, f) => `PgBouncer این پارامتر اتصال را نمی‌پذیرد: آن را از ${f.code(url(p))} بردارید`,
  engine_cannot_connect: (_p, f) => `به موتور Docker وصل نمی‌شود (نشانی آن، یا فایل‌های TLS در ${f.code('DOCKER_CERT_PATH')})`,
  no_matching_process: (p, f) =>
    `هیچ پردازه‌ای از ${f.num(p.count ?? 0)} پردازه‌ی کانتینر (فهرست‌شده با ${f.code(p.via ?? '?')}) با ${f.code(`/${p.pattern ?? ''}/`)} (${f.code('APP_PROCESS_PATTERN')}) جور نیست`,
  unreadable_path: (p, f) => `${f.code(p.file ?? '?')} خوانده نمی‌شود`,
  pgbouncer_not_console: (p, f) => `این کنسول مدیریت PgBouncer نیست: ${f.code(url(p))} را به درگاه PgBouncer (معمولاً ۶۴۳۲) ببرید`,
  // Kubernetes.
  k8s_forbidden: (p, f) =>
    `dbpool اجازه‌ی ${f.code(p.verb ?? '?')} روی ${f.code(p.resource ?? '?')} در namespace ${f.code(p.namespace ?? '?')} را ندارد: این قاعده را به Role آن بیفزایید (${f.code('deploy/kubernetes/role.yaml')}): ${f.code(k8sRule(p))}`,
  k8s_unauthorized: (_p, f) =>
    `سرور API اعتبارنامه‌ی dbpool را نمی‌پذیرد (توکن یا گواهی کلاینت در ${f.code('DBPOOL_KUBECONFIG')}، یا توکن ${f.code('ServiceAccount')})`,
  k8s_tls_untrusted: (_p, f) =>
    `TLS: گواهی سرور API را CAی kubeconfig (${f.code('certificate-authority')}) یا ${f.code('ServiceAccount')} (${f.code('ca.crt')}) امضا نکرده است`,
  k8s_exec_forbidden: (p, f) =>
    `dbpool اجازه‌ی ${f.code('create')} روی ${f.code('pods/exec')} در namespace ${f.code(p.namespace ?? '?')} را ندارد: این قاعده را به Role آن بیفزایید (${f.code('deploy/kubernetes/role-exec.yaml')}): ${f.code(K8S_EXEC_RULE)}، یا ${f.code('DBPOOL_K8S_EXEC=false')} بگذارید؛ تا آن زمان worker‌های هر pod به تعداد پیکربندی‌شده شمرده می‌شوند`,
  k8s_exec_failed: (_p, f) => `پردازه‌های pod از راه ${f.code('pods/exec')} فهرست نشد: worker‌های آن به تعداد پیکربندی‌شده شمرده می‌شوند`,
};

/** Sessions per role: `app` × ۳، `worker` × ۱. */
const roleList = (roles: { role: string; count: number }[], f: Formatter) => roles.map((r) => `${f.code(r.role)} × ${f.num(r.count)}`).join('، ');

/** An option as typed, or the positional argument. */
const subject = (s: string, f: Formatter) => (s === 'argument' ? 'آرگومان' : f.code(s));

/** A probe's failure: its own words (quoted), then what dbpool can tell about it. */
const failure = (message: string, h: ProbeHintRef | null, f: Formatter) =>
  [message ? f.code(message) : '', h ? hint[h.code](h, f) : ''].filter(Boolean).join(': ');

/** Zones people name by a city; any other by the region ICU gives it («وقت آلمان» -> «به وقت آلمان»). */
const ZONE_CITY: Record<string, string> = { 'Asia/Tehran': 'تهران', UTC: 'جهانی (UTC)', 'Etc/UTC': 'جهانی (UTC)', 'Asia/Dubai': 'دبی', 'Europe/Istanbul': 'استانبول' };
// A string, not a regex literal: the snapshot's bundler writes strings in ASCII (\u escapes) but
// leaves a regex as it is, and one non-ASCII character stores the whole bundle's source in two bytes
// a character (1 MB more to deserialize on every CLI run).
const ICU_TIME_WORD = 'وقت ';
const zoneRegion = (zone: string) => {
  const name = new Intl.DateTimeFormat('fa-IR', { timeZone: zone, timeZoneName: 'shortGeneric' }).formatToParts(new Date(0)).find((p) => p.type === 'timeZoneName')?.value ?? zone;
  return name.startsWith(ICU_TIME_WORD) ? name.slice(ICU_TIME_WORD.length) : name;
};

/*
 * Glossary: one Persian word per idea, everywhere (read as a Persian-speaking SRE reads it).
 *   instance (of the app)  نمونه (نمونه‌ی برنامه)      sample (of the history)   نمونه‌برداری
 *   connection             اتصال                       session                   نشست
 *   pool (the app's)       pool، poolها (Latin, as in the code); its sum: «محاسبه‌ی pool»
 *   usable slots           اتصال‌های قابل استفاده       headroom                  ظرفیت باقی‌مانده
 *   utilization            درصد استفاده (never «بهره‌وری», which is productivity)
 *   demand (of the pools)  نیاز                        refusal                   رد اتصال، اتصال ردشده
 *   worker, task worker, manager, master, replica, node, image: Swoole's and Docker's own words, in Latin
 *   container              کانتینر                     Docker engine/daemon      موتور Docker
 *   restart                راه‌اندازی دوباره              extra (instance)          اضافه (not «اضافی»)
 *   idle                   بیکار                       plan / action / approve   طرح / اقدام / تأیید
 * A verb agrees with its number: «۱ نمونه در حال اجراست»، «۲ نشست بیکار مانده‌اند».
 * Times name their clock («به وقت تهران», zoneName); percentages as ICU writes them («۷۵٪»).
 */
export const fa: Catalog = {
  dir: 'rtl',
  zoneName: (zone) => `به وقت ${ZONE_CITY[zone] ?? zoneRegion(zone)}`,
  verdict: { OK: 'سالم', WARN: 'هشدار', CRIT: 'بحرانی', UNKNOWN: 'نامعلوم' },
  verdictHeadline: {
    OK: 'اتصال‌ها جای کافی دارند',
    WARN: 'اتصال‌ها نیاز به توجه دارند',
    CRIT: 'اتصال‌های پایگاه داده تمام شده یا رو به پایان است',
    UNKNOWN: 'پایگاه داده بررسی نشد',
  },
  headline: {
    whatIfTitle: 'محاسبه‌ی فرضی',
    cause: {
      unreachable: (p, f) => `PostgreSQL ${f.code(p.source)} پاسخ نمی‌دهد: وضعیت اتصال‌ها بررسی نشد`,
      refusing: () => 'PostgreSQL پر است و حتی اتصال dbpool را هم رد می‌کند',
      server_full: (p, f) => `PostgreSQL پر است (${f.num(p.connections)} از ${f.num(p.usable)})`,
      utilization_high: (p, f) => `${f.percent(p.percent)} از اتصال‌های قابل استفاده‌ی PostgreSQL در حال استفاده است (${f.num(p.connections)} از ${f.num(p.usable)})`,
      pool_exhausted: (p, f) =>
        `pool خود برنامه پر شده است (${p.quote ? `${f.num(p.count)} بار «${f.code(p.quote)}»` : `${f.num(p.count)} بار`}) در حالی که PostgreSQL ${p.free === null ? 'جا دارد' : `${f.num(p.free)} جای خالی دارد`}`,
      demand_exceeds: (p, f) => `poolهای پر برنامه ${f.num(p.demand)} اتصال می‌خواهند ولی ${f.num(p.capacity)} اتصال در دسترس است`,
      demand_near: (p, f) => `poolهای پر برنامه ${f.percent(p.percent)} از ${f.num(p.capacity)} اتصال در دسترس را می‌گیرند`,
      pgbouncer: (p) => fa.label.pgbouncerHeadline[p.verdict],
      extra_instances: (p, f) => `${f.num(p.running)} نمونه از برنامه در حال اجراست، ${f.num(p.expected)} نمونه انتظار می‌رود`,
      idle_in_transaction: (p, f) => `${f.num(p.count)} نشست بیکار در تراکنش: برنامه تراکنش‌ها را باز می‌گذارد`,
      idle_sessions: (p, f) => `${f.num(p.count)} نشست بیش از ${f.num(p.minutes)} دقیقه بیکار`,
      other: (p) => fa.verdictHeadline[p.verdict],
      healthy: (p, f) =>
        p.connections === null || p.usable === null || p.percent === null
          ? 'اتصال‌ها جای کافی دارند'
          : `اتصال‌ها جای کافی دارند: ${f.num(p.connections)} از ${f.num(p.usable)} در حال استفاده (${f.percent(p.percent)})`,
      fits: (p, f) =>
        `poolهای پر ${f.num(p.demand)} اتصال${p.capacity === null ? '' : ` از ${f.num(p.capacity)} اتصال در دسترس`} را می‌خواهند: جا می‌شوند`,
    },
    fix: {
      stop_extra: (p, f) => `${f.num(p.running)} نمونه از برنامه در حال اجراست، ${f.num(p.expected)} نمونه انتظار می‌رود ← ${f.list(p.stop.map(f.code))} را متوقف کنید`,
      scale_down: (p, f) => `${f.num(p.running)} replica در حال اجراست، ${f.num(p.expected)} انتظار می‌رود ← تعداد replicaهای ${f.list(p.services.map(f.code))} را کم کنید`,
      lower_pool_size: (p, f) => `${f.code(p.variable)} را به ${f.num(p.suggested)} کم کنید`,
      raise_max_connections: (p, f) => `${f.code('max_connections')} را به ${f.num(p.suggested)} برسانید`,
      terminate_idle: (p, f) => `${f.num(p.count)} نشست بیکار را ببندید`,
      use_pooler: () => 'PgBouncer را جلوی PostgreSQL بگذارید',
    },
    join: (cause, fix) => `${cause}: ${fix}`,
  },
  origin: ORIGIN,
  section: {
    connections: 'اتصال‌ها',
    poolMath: 'محاسبه‌ی pool',
    instances: 'نمونه‌های برنامه',
    workers: 'workerها',
    config: 'تنظیمات pool',
    idle: 'نشست‌های بیکار',
    findings: 'یافته‌ها',
    recommendations: 'پیشنهادها',
    whatIf: 'محاسبه‌ی فرضی',
    pgbouncer: 'PgBouncer',
  },
  label: {
    usage: (p, f) =>
      `${f.num(p.connections)} از ${f.num(p.usable)} اتصال قابل استفاده در حال استفاده است: برنامه ${f.num(p.app)}، کلاینت‌های دیگر ${f.num(p.other)}` +
      ` (${f.code('max_connections')} = ${f.num(p.max)}، ${f.num(p.reserved)} رزرو)${overUsable(p, f)}` +
      (p.own > 0 ? `؛ ${f.plural(p.own, { one: 'اتصال', other: 'اتصال‌های' })} خود dbpool: ${f.num(p.own)}، جزو این شمارش ${f.plural(p.own, { one: 'نیست', other: 'نیستند' })}` : ''),
    database: (p, f) => `${f.num(p.connections)} در پایگاه داده‌ی ${f.code(p.database)}`,
    background: (p, f) => `${f.num(p.count)} پردازه‌ی پس‌زمینه (جزو ${f.code('max_connections')} ${f.plural(p.count, { one: 'حساب نمی‌شود', other: 'حساب نمی‌شوند' })})`,
    states: 'بر اساس وضعیت',
    active: 'فعال',
    idle: 'بیکار',
    idleInTransaction: 'بیکار در تراکنش',
    idleInTransactionAborted: 'بیکار در تراکنش (لغوشده)',
    otherState: 'سایر',
    hiddenState: 'پنهان',
    statesIncomplete: (p, f) =>
      `شمارش بر اساس وضعیت ناقص است: وضعیت ${f.num(p.hidden)} نشست از نقش dbpool پنهان است (نقش ${f.code('pg_monitor')} را به آن بدهید).`,
    byApplication: 'بر اساس برنامه',
    byUser: 'بر اساس کاربر',
    byClient: 'بر اساس کلاینت',
    oldestIdle: (p, f) => `قدیمی‌ترین بیکار: ${f.duration(p.seconds)}`,
    oldestIdleInTransaction: (p, f) => `قدیمی‌ترین بیکار در تراکنش: ${f.duration(p.seconds)}`,
    server: (p, f) => `${f.code(p.host)} / ${f.code(p.database)}، PostgreSQL ${f.code(p.version)}`,
    generatedAt: (p) => `بررسی‌شده در ${p.at}`,
    instanceLine: (p, f) => {
      const age = p.startedAt ? ` از ${f.duration((Date.parse(p.now) - Date.parse(p.startedAt)) / 1000)} پیش` : '';
      const image = p.image ? `، image ${f.code(p.image)}` : '';
      return `${f.code(p.name)}: ${p.state === 'running' ? `در حال اجرا${age}` : `${f.code(p.state)}${age ? `، راه‌اندازی‌شده${age}` : ''}`}${image} (${f.code(p.location)})`;
    },
    health: (p, f) => `سلامت: ${f.code(p.health)}`,
    serviceLine: (p, f) => {
      const replicas =
        p.mode === 'global'
          ? `${f.num(p.running)} replica در حال اجرا (global: یکی روی هر node)`
          : p.desired === null
            ? `${f.num(p.running)} در حال اجرا`
            : `${f.num(p.running)} از ${f.num(p.desired)} replica در حال اجرا`;
      const created = p.createdAt ? `، ساخته‌شده ${f.duration(ago(p.createdAt, p.now))} پیش` : '';
      // Swarm stamps a new service as updated too, a moment after its creation.
      const updated =
        p.updatedAt && p.createdAt && Date.parse(p.updatedAt) - Date.parse(p.createdAt) > 1000 ? `، به‌روزشده ${f.duration(ago(p.updatedAt, p.now))} پیش` : '';
      const image = p.image ? `، image ${f.code(p.image)}` : '';
      const file = p.composeFile ? `، فایل ${f.code(p.composeFile)}` : '';
      const unread = p.read ? '' : '؛ فقط از روی کانتینرهایش شناخته شده';
      return `${SERVICE_KIND[p.kind]} ${f.code(p.name)}: ${replicas}${created}${updated}${image}${file} (${f.code(p.location)})${unread}`;
    },
    replicaLine: (p, f) => {
      const node = p.node ? ` روی node ${f.code(p.node)}` : '';
      const age = p.createdAt ? ` از ${f.duration(ago(p.createdAt, p.now))} پیش` : '';
      const seen = p.inspected ? '' : ': کانتینر آن بررسی نشد (روی node دیگری است)، پس تنظیمات pool آن از spec سرویس آمده است';
      return `${f.code(p.name)}${node}: ${p.state === 'running' ? `در حال اجرا${age}` : `${f.code(p.state)}${age ? `، ساخته‌شده${age}` : ''}`}${seen}`;
    },
    replicaSetLine: (p, f) =>
      `ReplicaSet ${f.code(p.name)} (revision ${val(p.revision, f)}، ${p.current ? 'تازه' : 'قدیمی'}): ${f.num(p.ready)} از ${f.num(p.desired)} آماده، ${f.num(p.pods)} در حال اجرا` +
      (p.held === null ? '' : `، با ${f.num(p.held)} اتصال`),
    serviceMathLine: (p, f) =>
      `${SERVICE_KIND[p.kind]} ${f.code(p.name)}: ${f.num(p.replicas)} replica، ${val(p.demand, f)} اتصال وقتی همه‌ی poolها پر باشند`,
    restartPolicy: (p, f) =>
      p.policy === 'always'
        ? `سیاست راه‌اندازی دوباره ${f.code('always')}: راه‌اندازی دوباره‌ی موتور Docker آن را حتی پس از توقف دوباره روشن می‌کند`
        : p.policy === 'unless-stopped'
          ? `سیاست راه‌اندازی دوباره ${f.code('unless-stopped')}: توقف پابرجا می‌ماند، حتی پس از راه‌اندازی دوباره‌ی موتور Docker`
          : `سیاست راه‌اندازی دوباره ${f.code(p.policy)}`,
    mathLine: (p, f) => {
      const parts: string[] = [];
      if (p.workers !== 0 || (p.untold === 0 && p.customProcesses === 0)) parts.push(`${val(p.workers, f)} worker${originNote(p.workersOrigin)}`);
      if (p.taskWorkers > 0) parts.push(`${f.num(p.taskWorkers)} task worker`);
      if (p.untold > 0) parts.push(`${f.num(p.untold)} worker و task worker (بدون عنوان پردازه از هم تشخیص داده نمی‌شوند)`);
      if (p.customProcesses > 0) parts.push(`${f.num(p.customProcesses)} پردازه‌ی سفارشی`);
      const pool = `${f.code(p.poolSizeVar)} ${val(p.poolSize, f)}${originNote(p.poolSizeOrigin)}`;
      return `${f.code(p.name)}: (${parts.join(' + ')}) × ${pool} = ${val(p.total, f)}`;
    },
    mathTotal: (p, f) => {
      const cap = p.capacity === null ? '' : ` در برابر ${f.num(p.capacity)} اتصال در دسترس برنامه`;
      const unknown = p.unknown > 0 ? ` (+ ${f.num(p.unknown)} نمونه‌ی نامعلوم)` : '';
      if (p.unread > 0) {
        const known = p.instances > 0 ? `؛ دست‌کم ${f.num(p.demand)} اتصال در ${f.num(p.instances)} نمونه‌ی خوانده‌شده` : '';
        return `جمع: نامعلوم، ${f.num(p.unread)} منبع نمونه‌ها خوانده نشد${known}${unknown}${cap}`;
      }
      return `جمع: ${f.num(p.demand)} اتصال در ${f.num(p.instances)} نمونه${unknown}${cap}`;
    },
    capacityLine: (p, f) =>
      `در دسترس برنامه: ${f.code('max_connections')} ${f.num(p.max)} − ${f.num(p.reserved)} رزرو − ${f.num(p.other)} کلاینت دیگر = ${f.num(p.capacity)}`,
    headroom: (p, f) => (p.headroom >= 0 ? `ظرفیت باقی‌مانده: ${f.num(p.headroom)}` : `کمبود: ${f.num(-p.headroom)}`),
    workersLine: (p, f) => {
      if (p.unlisted) return `${f.code(p.name)}: فهرست پردازه‌ها خوانده نشد`;
      if (p.single > 0 && p.master + p.manager + p.workers + p.taskWorkers + p.untold + p.custom === 0) {
        return `${f.code(p.name)}: ${f.num(1)} پردازه که کل سرور است (${f.code('SWOOLE_BASE')} با یک worker)`;
      }
      const parts = [`${f.num(p.master)} master`, `${f.num(p.manager)} manager`, `${f.num(p.workers + p.single)} worker`, `${f.num(p.taskWorkers)} task worker`];
      if (p.untold > 0) parts.push(`${f.num(p.untold)} worker یا task worker (بدون عنوان پردازه از هم تشخیص داده نمی‌شوند)`);
      if (p.custom > 0) parts.push(`${f.num(p.custom)} پردازه‌ی سفارشی`);
      return `${f.code(p.name)}: ${parts.join('، ')}`;
    },
    logLine: (p, f) =>
      `لاگ ${f.code(p.name)} (${f.num(p.lines)} خط آخر): ${f.num(p.starts)} شروع worker، ${f.num(p.full)} «سرور پر»، ${f.num(p.exhausted)} «pool پر»`,
    configLine: (p, f) => `${f.code(p.name)}: ${f.code(p.variable)} = ${val(p.value, f)}${originNote(p.origin)}`,
    idleHeader: (p, f) => `${f.num(p.count)} نشست بیش از ${f.num(p.minutes)} دقیقه بیکار ${f.plural(p.count, { one: 'مانده است', other: 'مانده‌اند' })}`,
    idleSession: (p, f) =>
      `pid ${f.code(String(p.pid))} ${f.code(p.user ?? '?')} ${f.code(p.application || '-')} از ${f.code(p.client ?? 'local')}، بیکار ${f.duration(p.seconds)}`,
    noIdle: (p, f) => `هیچ نشستی بیش از ${f.num(p.minutes)} دقیقه بیکار نمانده است.`,
    noInstances: 'هیچ نمونه‌ای از برنامه پیدا نشد.',
    sourceFailed: (p, f) => `${f.code(p.source)}: ${failure(p.message, p.hint, f)}`,
    postgresUnavailable: (p, f) => `PostgreSQL خوانده نشد: ${failure(p.message, p.hint, f)}`,
    noFindings: 'مشکلی پیدا نشد.',
    noRecommendations: 'کاری لازم نیست.',
    fixesElsewhere: (p, f) => `نشست بیکاری برای بستن نیست؛ ${f.code('dbpool status')} ${f.plural(p.count, { one: 'راه‌حل لازم', other: `${f.num(p.count)} راه‌حل لازم` })} را نشان می‌دهد.`,
    andMore: (p, f) => `… و ${f.num(p.count)} مورد دیگر`,
    none: 'هیچ',
    pgbouncerHeader: (p, f) => `${f.code(p.address)}: ${f.code(p.version)}، ${f.code('pool_mode')} ${f.code(p.poolMode)}`,
    pgbouncerClients: (p, f) => {
      const console = p.console > 0 ? ` (${f.num(p.console)} اتصال کنسول مدیریت)` : '';
      const who = p.instances.length > 0 ? ` (${f.list(p.instances.map(f.code))})` : '';
      const unknown = p.unknown > 0 ? `، + ${f.num(p.unknown)} نمونه‌ی نامعلوم` : '';
      const demand = p.demand === null ? '' : `؛ poolهای پر برنامه: ${f.num(p.demand)}${who}${unknown}`;
      return `کلاینت‌ها: ${f.num(p.clients)} از ${f.code('max_client_conn')} ${f.num(p.max)}${console}${demand}`;
    },
    pgbouncerServers: (p, f) => {
      const size = p.poolSize === null ? 'اندازه‌ی pool هر کدام' : `${f.code('pool_size')} ${f.num(p.poolSize)}`;
      const capped = p.cappedBy ? `، محدودشده با ${f.code(p.cappedBy)}` : '';
      return `poolهای سرور: ${f.num(p.pairs)} جفت پایگاه داده/کاربر × (${size} + رزرو ${f.num(p.reserve)}) = ${f.num(p.limit)}${capped}؛ باز در این لحظه: ${f.num(p.open)}`;
    },
    pgbouncerWaiting: (p, f) => `در انتظار اتصال سرور: ${f.num(p.waiting)} کلاینت، قدیمی‌ترین ${f.duration(p.maxWaitSeconds)}`,
    pgbouncerUnread: (p, f) => `${f.code(p.address)}: خوانده نشد (${failure(p.message, p.hint, f)})`,
    pgbouncerServerTotal: (p, f) =>
      `سمت PostgreSQL: poolهای سرور ${f.num(p.servers)}${p.direct > 0 ? ` + poolهایی که مستقیم وصل می‌شوند ${f.num(p.direct)}` : ''} در برابر ${f.num(p.capacity)} اتصال در دسترس`,
    pgbouncerHeadline: {
      CRIT: 'برنامه از راه PgBouncer اتصال نمی‌گیرد (یا به‌زودی نمی‌گیرد)',
      WARN: 'لایه‌ی PgBouncer نیاز به توجه دارد',
    },
    pgbouncerNotConfigured: 'PgBouncer در مسیر است ولی dbpool آن را نمی‌خواند: DBPOOL_PGBOUNCER_URL را روی کنسول مدیریت آن تنظیم کنید.',
    mathTotalViaPgBouncer: (p, f) => {
      const unknown = p.unknown > 0 ? ` (+ ${f.num(p.unknown)} نمونه‌ی نامعلوم)` : '';
      return `جمع: ${f.num(p.demand)} اتصال در ${f.num(p.instances)} نمونه${unknown}، به PgBouncer: این‌ها از ${f.code('max_client_conn')} آن کم می‌کنند، نه از ${f.code('max_connections')}`;
    },
    role: {
      master: 'master',
      manager: 'manager',
      worker: 'worker',
      task_worker: 'task worker',
      worker_or_task: 'worker یا task worker',
      custom: 'پردازه‌ی سفارشی',
      single: 'پردازه‌ی تک',
      unknown: 'پردازه',
    },
    holding: (p, f) => {
      const h = p.held;
      const parts = [`بیکار ${f.num(h.idle)}`, `فعال ${f.num(h.active)}`];
      if (h.idleInTransaction > 0) parts.push(`بیکار در تراکنش ${f.num(h.idleInTransaction)}`);
      if (h.other > 0) parts.push(`سایر ${f.num(h.other)}`);
      const how = p.method === 'address' ? ' (از روی نشانی‌اش پیدا شد: پردازه‌هایش از این‌جا دیده نمی‌شوند)' : '';
      return `${f.num(h.total)} اتصال نگه داشته (${parts.join('، ')})، می‌تواند تا ${val(p.demand, f)} بخواهد${how}`;
    },
    processHolding: (p, f) => {
      const pool = p.poolSize === null ? '' : `/${f.num(p.poolSize)}`;
      const notes: string[] = [];
      if (p.held.idleInTransaction > 0) notes.push(`${f.num(p.held.idleInTransaction)} بیکار در تراکنش`);
      if (p.poolSize !== null && p.held.total > p.poolSize) notes.push('بیش از pool خودش');
      return `pid ${f.code(String(p.pid))} ${f.num(p.held.total)}${pool}${notes.length > 0 ? ` (${notes.join('، ')})` : ''}`;
    },
    byProcess: 'به تفکیک پردازه',
    heldBy: 'در دست هر نمونه',
    unattributed: (p, f) => {
      const why: string[] = [];
      if (p.unixSocket > 0) why.push(`${f.num(p.unixSocket)} از راه unix socket، که سر دیگرش در ${f.code('/proc')} پیدا نیست`);
      if (p.hidden > 0) why.push(`${f.num(p.hidden)} پنهان از نقش dbpool`);
      if (p.ambiguous > 0) why.push(`${f.num(p.ambiguous)} منطبق بر دو نمونه`);
      if (p.noMatch > 0) why.push(`${f.num(p.noMatch)} از هیچ پردازه‌ی برنامه یا نشانی کانتینری که dbpool می‌بیند نیست`);
      return `${f.num(p.total)} اتصال به هیچ نمونه‌ای نسبت داده نشد: ${why.join('؛ ')}`;
    },
  },
  hint,
  finding: {
    postgres_unreachable: (p, f) => `PostgreSQL ${f.code(p.source)} در دسترس نیست (${f.code(p.kind)}): ${failure(p.message, p.hint, f)}`,
    server_refusing: (p, f) =>
      `PostgreSQL ${f.code(p.source)} اتصال تازه نمی‌پذیرد: ${failure(p.message, p.hint, f)}. حتی dbpool هم نتوانست وصل شود.`,
    server_at_limit: (p, f) => {
      const own = p.own === 0 ? '' : p.connections >= p.usable ? `؛ ${f.num(p.own)} اتصال خود dbpool در جاهای رزرو است` : ` و ${f.num(p.own)} اتصال خود dbpool`;
      return `سرور پر است: ${f.num(p.connections)} از ${f.num(p.usable)} اتصال قابل استفاده در حال استفاده است (برنامه ${f.num(p.app)}، کلاینت‌های دیگر ${f.num(p.other)})${own}${overUsable(p, f)}. PostgreSQL اتصال‌های تازه‌ی برنامه را رد می‌کند.`;
    },
    utilization_high: (p, f) =>
      `${f.percent(p.percent)} از اتصال‌های قابل استفاده در حال استفاده است (${f.num(p.connections)} از ${f.num(p.usable)})، بالاتر از آستانه‌ی ${f.percent(p.threshold)}.`,
    demand_exceeds_capacity: (p, f) =>
      `poolهای برنامه می‌توانند ${f.num(p.demand)} اتصال بخواهند ولی فقط ${f.num(p.capacity)} اتصال در دسترس برنامه است: وقتی poolها پر شوند ${f.num(p.missing)} اتصال کم می‌آید.`,
    demand_near_capacity: (p, f) =>
      `poolهای پر ${f.percent(p.percent)} از ظرفیت برنامه را می‌گیرند (${f.num(p.demand)} از ${f.num(p.capacity)}).`,
    server_full_in_logs: (p, f) =>
      `${f.code(p.instance)} ${f.num(p.count)} بار پیام «${f.code(p.quote ?? 'too many clients already')}» را ثبت کرده${when(p.lastSeen, f)}: PostgreSQL آن را رد کرده است.`,
    app_pool_exhausted: (p, f) => {
      const what = `${f.code(p.instance)} ${f.num(p.count)} بار ${p.quote ? `پیام «${f.code(p.quote)}» را` : 'پر شدن pool خودش را'} ثبت کرده${when(p.lastSeen, f)}`;
      if (p.free === 0) return `${what} و PostgreSQL هم پر است: pool منتظر اتصال‌هایی است که سرور رد می‌کند.`;
      const leak = p.idleInTransaction > 0 ? ` (${f.num(p.idleInTransaction)} نشست بیکار در ${f.plural(p.idleInTransaction, { one: 'تراکنش است', other: 'تراکنش‌اند' })})` : '';
      return `${what}، در حالی که PostgreSQL جا دارد${p.free === null ? '' : ` (${f.num(p.free)} جای خالی)`}: یا pool برای این بار کوچک است یا اتصال‌ها نشت می‌کنند${leak}.`;
    },
    extra_instances: (p, f) =>
      `${f.num(p.running)} نمونه در حال اجراست در حالی که ${f.num(p.expected)} نمونه انتظار می‌رود: احتمالاً باید ${f.list(p.candidates.map(f.code))} متوقف شود.`,
    extra_replicas: (p, f) => {
      const what = p.services.map((s) =>
        s.to === 0
          ? `${SERVICE_KIND[s.kind]} قدیمی‌تر ${f.code(s.name)}${s.createdAt ? ` (ساخته‌شده در ${f.dateTime(s.createdAt)})` : ''} کنار ${p.beside.length > 0 ? f.list(p.beside.map(f.code)) : 'نمونه‌های تازه‌تر'} اجرا می‌شود`
          : `${SERVICE_KIND[s.kind]} ${f.code(s.name)} ${f.num(s.from)} replica می‌خواهد در حالی که ${f.num(s.to)} کافی است`,
      );
      const kind = p.services[0]?.kind ?? 'swarm';
      const instead =
        kind === 'kubernetes'
          ? 'تعداد replicaهای Deployment را کم کنید؛ حذف podهای آن فقط باعث می‌شود ReplicaSet آن podهای تازه بسازد.'
          : `تعداد replicaهای سرویس را کم کنید؛ توقف کانتینرهای task آن فقط باعث می‌شود ${ORCHESTRATOR[kind]} به‌جایشان کانتینرهای تازه راه بیندازد.`;
      return `${f.num(p.running)} replica از برنامه در حال اجراست در حالی که ${f.num(p.expected)} انتظار می‌رود: ${what.join('؛ ')}. ${instead}`;
    },
    swarm_services_unread: (p, f) =>
      p.reason === 'not_manager'
        ? `${f.code(p.source)} taskهای Swarm را اجرا می‌کند (${f.list(p.services.map(f.code))}) ولی manager در Swarm نیست: dbpool فقط taskهای همین node را می‌بیند و نمی‌تواند از راه آن تعداد replicaهای سرویس‌ها را تغییر دهد. یک manager را به ${f.code('DBPOOL_DOCKER_HOSTS')} اضافه کنید.`
        : `سرویس‌های Swarm در ${f.code(p.source)} خوانده نشدند (${f.code(p.message)}): taskهای روی nodeهای دیگر شمرده نمی‌شوند.`,
    idle_sessions_old: (p, f) =>
      `${f.num(p.count)} نشست بیش از ${f.num(p.minutes)} دقیقه بیکار ${f.plural(p.count, { one: 'مانده است', other: 'مانده‌اند' })} (قدیمی‌ترین ${f.duration(p.oldestSeconds)}).`,
    idle_in_transaction: (p, f) =>
      `${f.num(p.count)} نشست بیکار در ${f.plural(p.count, { one: 'تراکنش است', other: 'تراکنش‌اند' })}${p.oldestSeconds === null ? '' : ` (قدیمی‌ترین ${f.duration(p.oldestSeconds)})`}: اتصال و قفل نگه ${f.plural(p.count, { one: 'می‌دارد', other: 'می‌دارند' })}، نشانه‌ی نشت در کد.`,
    states_hidden: (p, f) => `وضعیت ${f.num(p.hidden)} نشست از نقش dbpool پنهان است: شمارش بر اساس وضعیت ناقص است.`,
    instance_source_failed: (p, f) =>
      `فهرست نمونه‌های برنامه از ${f.code(p.source)} خوانده نشد (${f.code(p.kind)}): ${failure(p.message, p.hint, f)}`,
    instance_probe_failed: (p, f) => `${f.code(p.instance)} کامل بررسی نشد (${f.code(p.source)}): ${failure(p.message, p.hint, f)}`,
    no_instances: (p, f) => `هیچ نمونه‌ی در حال اجرایی از برنامه پیدا نشد (جست‌وجو در ${f.list(p.sources.map(f.code))}).`,
    pool_setting_unknown: (p, f) => `${f.code(p.variable)} در ${f.code(p.instance)} نامعلوم است: نیاز آن به اتصال حساب نمی‌شود.`,
    pool_setting_fallback: (p, f) =>
      `${f.code(p.variable)} در ${f.code(p.instance)} خوانده نشد؛ مقدار پیش‌فرض پیکربندی ${f.num(p.value)} به کار رفت.`,
    workers_mismatch: (p, f) =>
      `${f.code(p.instance)} ${f.num(p.running)} worker دارد ولی برای ${f.num(p.configured)} worker پیکربندی شده است: شاید workerها از کار می‌افتند یا دوباره راه‌اندازی می‌شوند.`,
    pgbouncer_down: (p, f) =>
      `${at(p.address, f)} پاسخ نمی‌دهد (${f.code(p.kind)}): ${failure(p.message, p.hint, f)}. برنامه از راه آن وصل می‌شود، پس به پایگاه داده نمی‌رسد` +
      (p.connections === null || p.usable === null
        ? '.'
        : `، در حالی که خود PostgreSQL پاسخ می‌دهد (${f.num(p.connections)} از ${f.num(p.usable)} اتصال قابل استفاده در حال استفاده است).`),
    pgbouncer_unreadable: (p, f) =>
      `dbpool نمی‌تواند کنسول مدیریت ${at(p.address, f)} را بخواند (${f.code(p.kind)}): ${failure(p.message, p.hint, f)}. لایه‌ی PgBouncer بررسی نشد.`,
    pgbouncer_in_path_unread: (p, f) =>
      `PgBouncer میان برنامه و PostgreSQL است (${p.signs.map((s) => sign(s, f)).join('؛ ')}) ولی dbpool آن را نمی‌خواند: poolهای برنامه از ${f.code('max_client_conn')} در PgBouncer کم می‌کنند نه از ${f.code('max_connections')}، پس اینجا با PostgreSQL مقایسه نمی‌شوند.`,
    pgbouncer_client_limit: (p, f) =>
      `${at(p.address, f)} به ${f.code('max_client_conn')} رسیده است: ${f.num(p.clients)} از ${f.num(p.max)} اتصال کلاینت. اتصال‌های تازه‌ی برنامه رد می‌شوند (${f.code(PGBOUNCER_LOG_TEXT.max_client_conn)}).`,
    pgbouncer_errors_in_logs: (p, f) =>
      `${f.code(p.instance)} ${f.num(p.count)} بار ${f.code(PGBOUNCER_LOG_TEXT[p.error])} ثبت کرده${when(p.lastSeen, f)}: ${logMeaning(p.error, f)}`,
    pgbouncer_client_demand_exceeds: (p, f) =>
      `poolهای برنامه می‌توانند ${f.num(p.demand)} اتصال کلاینت به ${at(p.address, f)} باز کنند، ولی ${f.code('max_client_conn')} = ${f.num(p.max)} فقط ${f.num(p.capacity)} جا برای آن‌ها می‌گذارد: وقتی poolها پر شوند ${f.num(p.missing)} اتصال رد می‌شود.`,
    pgbouncer_client_demand_near: (p, f) =>
      `poolهای پر برنامه ${f.percent(p.percent)} از جای کلاینت‌های ${at(p.address, f)} را می‌گیرند (${f.num(p.demand)} از ${f.num(p.capacity)}، ${f.code('max_client_conn')} = ${f.num(p.max)}).`,
    pgbouncer_clients_waiting: (p, f) =>
      `${f.num(p.waiting)} کلاینت ${f.code(`${p.database}/${p.user}`)} در ${at(p.address, f)} منتظر اتصال ${f.plural(p.waiting, { one: 'سرور است', other: 'سرورند' })}، قدیمی‌ترین ${f.duration(p.maxWaitSeconds)}؛ ${f.num(p.active)} اتصال از pool ${f.num(p.poolSize)}تایی آن مشغول است: pool سرور برای این بار کوچک است یا پرس‌وجوها کندند.`,
    pgbouncer_server_pools_exceed: (p, f) =>
      `poolهای سرور PgBouncer می‌توانند ${f.num(p.demand)} اتصال به PostgreSQL باز کنند ولی فقط ${f.num(p.capacity)} اتصال در دسترس است: وقتی پر شوند ${f.num(p.missing)} اتصال کم می‌آید.`,
    pgbouncer_server_pools_near: (p, f) =>
      `poolهای سرور PgBouncer اگر پر شوند ${f.percent(p.percent)} از جایی را که PostgreSQL برایشان دارد می‌گیرند (${f.num(p.demand)} از ${f.num(p.capacity)}).`,
    pgbouncer_idle_servers: (p, f) =>
      `${f.num(p.count)} نشست از نشست‌هایی که بیش از ${f.num(p.minutes)} دقیقه بیکارند اتصال‌های سرور PgBouncer‌اند، یعنی pool آن که عمداً باز نگه داشته می‌شود: بستنشان فقط مشکل را جابه‌جا می‌کند (PgBouncer دوباره بازشان می‌کند).`,
    pool_processes_mismatch: (p, f) => {
      const configured = p.taskWorkers > 0 ? `${f.num(p.workers)} worker + ${f.num(p.taskWorkers)} task worker` : `${f.num(p.workers)} worker`;
      const what = `${f.code(p.instance)} زیر manager خود ${f.num(p.running)} پردازه‌ی دارای pool دارد در حالی که ${configured} پیکربندی شده است (بدون عنوان پردازه، dbpool نمی‌تواند worker را از task worker یا پردازه‌ی سفارشی تشخیص دهد و جمع‌ها را مقایسه می‌کند)`;
      return p.running < p.workers + p.taskWorkers
        ? `${what}: شاید workerها از کار می‌افتند یا بالا نمی‌آیند.`
        : `${what}: بقیه پردازه‌های سفارشی (${f.code('$server->addProcess')}) یا workerهایی‌اند که در حال جایگزینی‌اند؛ هر کدام یک pool حساب می‌شود.`;
    },
    instance_holds_idle: (p, f) =>
      `${f.code(p.instance)} ${f.num(p.held)} اتصال بیکار نگه داشته و هیچ ترافیکی را پاسخ نمی‌دهد: ${f.duration(p.minutes * 60)} است که هیچ‌کدام به کار نرفته‌اند.`,
    // Kubernetes.
    rollout_incomplete: (p, f) =>
      `Deployment ${f.code(p.deployment)} (namespace ${f.code(p.namespace)}) ReplicaSet قدیمی‌اش را کنار ReplicaSet تازه اجرا می‌کند: ` +
      `${f.list(p.old.map((o) => `${f.code(o.name)} (revision ${val(o.revision, f)}) با ${f.num(o.pods)} pod`))} کنار ` +
      `${f.code(p.current.name)} (revision ${val(p.current.revision, f)}) که ${f.num(p.current.ready)} از ${f.num(p.current.desired)} pod آن آماده است. ` +
      (p.stuck
        ? 'rollout گیر کرده است (مهلت پیشرفتش گذشته): podهای تازه آماده نمی‌شوند و هر pod از هر دو ReplicaSet poolهای خود را نگه داشته است.'
        : p.paused
          ? 'rollout متوقف (pause) شده است: هر دو ReplicaSet podهایشان را نگه می‌دارند و هر pod poolهای خود را نگه داشته است.'
          : 'rollout در جریان است: تا پایان آن، podهای هر دو ReplicaSet poolهای خود را نگه می‌دارند.'),
    process_idle_in_transaction: (p, f) =>
      `${fa.label.role[p.role]} با pid ${f.code(String(p.pid))} در ${f.code(p.instance)} ${f.num(p.count)} اتصال از ${f.num(p.held)} اتصالش را بیکار در تراکنش نگه داشته${p.oldestSeconds === null ? '' : ` (قدیمی‌ترین ${f.duration(p.oldestSeconds)})`}: کدی که اجرا می‌کند تراکنش‌ها را باز می‌گذارد.`,
  },
  recommendation: {
    lower_pool_size: (p, f) =>
      `${f.code(p.variable)} را${p.current === null ? '' : ` از ${f.num(p.current)}`} به ${f.num(p.suggested)} کم کنید: آن‌گاه ${f.num(p.holders)} پردازه‌ی دارای pool با حاشیه‌ی امن در ${f.num(p.capacity)} جا می‌شوند. پس از تغییر، برنامه را دوباره راه‌اندازی کنید.`,
    raise_max_connections: (p, f) =>
      `${f.code('max_connections')} را از ${f.num(p.current)} به ${f.num(p.suggested)} برسانید (نیاز به راه‌اندازی دوباره‌ی PostgreSQL؛ حدود ${f.num(p.extraMemoryMb)} مگابایت حافظه‌ی بیشتر).`,
    stop_extra_instances: (p, f) =>
      `نمونه‌های اضافه را متوقف کنید: ${f.list(p.candidates.map(f.code))}.` +
      (p.compose ?? [])
        .map(
          (c) =>
            ` ${f.code(c.name)} جزو پروژه‌ی Compose ${f.code(c.project)} است: ${f.code('docker compose up')} دوباره آن را راه می‌اندازد مگر آنکه سرویس ${f.code(c.service)}${c.file ? ` در ${f.code(c.file)}` : ''} تغییر کند (خطوط زیر).`,
        )
        .join('') +
      (p.restartAlways?.length
        ? ` ${f.list(p.restartAlways.map(f.code))}: سیاست راه‌اندازی دوباره ${f.code('always')} است، پس راه‌اندازی دوباره‌ی موتور Docker دوباره روشنش می‌کند مگر آنکه اول این سیاست عوض شود (${f.code('docker update --restart=no')}، در زیر).`
        : '') +
      (p.restartUnlessStopped?.length
        ? ` ${f.list(p.restartUnlessStopped.map(f.code))}: سیاست راه‌اندازی دوباره ${f.code('unless-stopped')} است، پس توقف پس از راه‌اندازی دوباره‌ی موتور Docker هم پابرجا می‌ماند.`
        : ''),
    scale_down_service: (p, f) =>
      (p.to === 0
        ? `تعداد replicaهای ${SERVICE_KIND[p.kind]} قدیمی‌تر ${f.code(p.service)} را از ${f.num(p.from)} به ${f.num(0)} برسانید${p.beside.length > 0 ? ` و ${f.list(p.beside.map(f.code))} را نگه دارید` : ''}`
        : `تعداد replicaهای ${SERVICE_KIND[p.kind]} ${f.code(p.service)} را از ${f.num(p.from)} به ${f.num(p.to)} برسانید`) +
      (p.kind === 'kubernetes'
        ? ': آن‌گاه ReplicaSetهای آن podهای اضافه را برمی‌دارند و برداشته نگه می‌دارند. podهای آن را حذف نکنید: ReplicaSet بی‌درنگ podهای تازه می‌سازد.'
        : `: آن‌گاه ${ORCHESTRATOR[p.kind]} taskهای اضافه را متوقف می‌کند و متوقف نگه می‌دارد. کانتینرهای آن را با ${f.code('docker stop')} متوقف نکنید: ${ORCHESTRATOR[p.kind]} در چند ثانیه کانتینرهای تازه راه می‌اندازد.`),
    rollout_undo: (p, f) =>
      `rollout مربوط به Deployment ${f.code(p.deployment)} را از راه controller آن به پایان برسانید یا برگردانید: با ${f.code('rollout status')} ببینید کجاست` +
      (p.paused ? '، اگر باید ادامه یابد آن را resume کنید' : '') +
      `، یا با ${f.code('rollout undo')} به revision ${val(p.back, f)} برگردید (ReplicaSet قدیمی بزرگ و ReplicaSet تازه کوچک می‌شود). podها را حذف نکنید: ReplicaSet آن‌ها بی‌درنگ podهای تازه می‌سازد.`,
    terminate_idle: (p, f) =>
      `${f.num(p.count)} نشست برنامه را که بیش از ${f.num(p.minutes)} دقیقه در ${f.code(p.database)} بیکار ${f.plural(p.count, { one: 'مانده است', other: 'مانده‌اند' })} ببندید (${roleList(p.roles, f)}).` +
      (p.behindPgBouncer
        ? ' پشت PgBouncer ممکن است برخی از این‌ها اتصال‌های سرور آن باشند: بستن آن‌ها فقط مشکل را جابه‌جا می‌کند (PgBouncer دوباره بازشان می‌کند)؛ بگذارید dbpool ‏PgBouncer را بخواند تا از هم جدا شوند.'
        : ''),
    use_pooler: (p, f) =>
      `poolها ${f.num(p.demand)} اتصال می‌خواهند، بیش از آنچه یک سرور باید نگه دارد: PgBouncer را در حالت ${f.code('transaction')} جلوی PostgreSQL بگذارید.`,
    idle_in_transaction_timeout: (p, f) =>
      `بگذارید PostgreSQL نشست‌های بیکار در تراکنش را در ${f.code(p.database)} ببندد، و کدی را که آن‌ها را باز می‌گذارد پیدا کنید. ` +
      `این تنظیم فقط روی نشست‌های تازه اثر دارد: ${f.num(p.count)} نشستی که اکنون باز ${f.plural(p.count, { one: 'است', other: 'هستند' })} باید با ${f.code('pg_terminate_backend')} بسته ${f.plural(p.count, { one: 'شود', other: 'شوند' })} یا برنامه دوباره راه‌اندازی شود.`,
    grant_pg_monitor: (p, f) =>
      `نقش ${f.code('pg_monitor')} را به نقش dbpool (${f.code(p.role)}) بدهید تا وضعیت همه‌ی نشست‌ها دیده شود.`,
    start_pgbouncer: (p, f) =>
      `${at(p.address, f)} را دوباره راه بیندازید و در لاگ آن ببینید چرا متوقف شد: برنامه فقط از راه آن به PostgreSQL می‌رسد. PostgreSQL نیازی به تغییر ندارد.`,
    pgbouncer_console_access: (p, f) =>
      `بگذارید dbpool کنسول مدیریت ${at(p.address, f)} را بخواند: ${f.code(p.user)} را به ${f.code('stats_users')} اضافه کنید (فقط فرمان‌های خواندنی SHOW) و گذرواژه‌اش را در ${f.code('auth_file')} بگذارید، سپس ${f.code('RELOAD')} کنید.`,
    raise_max_client_conn: (p, f) =>
      `${f.code('max_client_conn')} در ${p.address === null ? 'PgBouncer' : at(p.address, f)} را${p.current === null ? '' : ` از ${f.num(p.current)}`} به ${f.num(p.suggested)} برسانید` +
      (p.demand === null ? '' : ` تا ${f.num(p.demand)} اتصال poolهای برنامه جا شوند`) +
      `: اتصال کلاینت به PgBouncer ارزان است (backend جداگانه‌ای در PostgreSQL نمی‌گیرد) و PostgreSQL نیازی به تغییر ندارد. PgBouncer برای هر کلاینت یک توصیف‌گر فایل می‌خواهد: سقف فایل‌های باز آن را بررسی کنید (${f.code('LimitNOFILE')}، ${f.code('ulimit -n')}).`,
    raise_default_pool_size: (p, f) =>
      `${f.num(p.waiting)} کلاینت منتظر اتصال ${f.plural(p.waiting, { one: 'سرور است', other: 'سرورند' })}: ${f.code('default_pool_size')} در ${at(p.address, f)} را از ${f.num(p.current)} به ${f.num(p.suggested)} برسانید (پایگاه داده‌ی ${f.code(p.database)})؛ PostgreSQL برای آن جا دارد.` +
      (p.reserve === null ? '' : ` یک رزرو (${f.code('reserve_pool_size')} = ${f.num(p.reserve)}) فشارهای ناگهانی را می‌گیرد.`),
    cap_server_pools: (p, f) =>
      `poolهای سرور ${at(p.address, f)} می‌توانند ${f.num(p.limit)} اتصال باز کنند، بیش از ${f.num(p.capacity)} اتصالی که PostgreSQL برایشان دارد: با ${f.code('max_db_connections')} = ${f.num(p.suggested)} محدودشان کنید` +
      (p.poolSize === null ? '' : ` (یا ${f.code('default_pool_size')} = ${f.num(p.poolSize)})`) +
      '. اکنون هیچ کلاینتی منتظر نیست، پس poolهای سرور کوچک‌تر هزینه‌ای ندارند.',
    read_pgbouncer: (p, f) =>
      `بگذارید dbpool ‏PgBouncer (${f.code(`${p.host}:${p.port}`)}) را بخواند: ${f.code('DBPOOL_PGBOUNCER_URL')} را روی کنسول مدیریت آن تنظیم کنید و dbpool را در ${f.code('stats_users')} بگذارید. آن‌گاه گزارش هر دو لایه را نشان می‌دهد: برنامه در برابر ${f.code('max_client_conn')} و poolهای سرور PgBouncer در برابر ${f.code('max_connections')}.`,
    pgbouncer_idle_servers: (p, f) =>
      `${f.num(p.count)} اتصال سرور بیکار PgBouncer را نبندید: دوباره بازشان می‌کند. بگذارید خودش زودتر ببنددشان: ${f.code('server_idle_timeout')} از ${f.num(p.current)} به ${f.num(p.suggested)} ثانیه.`,
  },
  action: {
    planTerminate: (p, f) =>
      `بستن ${f.num(p.count)} نشستی که بیش از ${f.num(p.minutes)} دقیقه در ${f.code(p.database)} بیکار ${f.plural(p.count, { one: 'مانده است', other: 'مانده‌اند' })}: ${roleList(p.roles, f)}`,
    planStopTitle: (p, f) => {
      const what = [p.stop > 0 ? `توقف ${f.num(p.stop)} نمونه‌ی اضافه` : '', p.scale > 0 ? `کم کردن replicaهای ${f.num(p.scale)} سرویس` : ''].filter(Boolean).join(' و ');
      const keeping = p.keeping.length > 0 ? `؛ ${f.list(p.keeping.map(f.code))} ${f.plural(p.keeping.length, { one: 'می‌ماند', other: 'می‌مانند' })}` : '';
      return `${what}${keeping}`;
    },
    planStop: (p, f) => `توقف ${f.code(p.name)}${p.ageSeconds === null ? '' : `، ساخته‌شده ${f.duration(p.ageSeconds)} پیش`}`,
    planScale: (p, f) =>
      `تغییر تعداد replicaهای ${SERVICE_KIND[p.kind]} ${f.code(p.name)} از ${f.num(p.from)} به ${f.num(p.to)}${p.ageSeconds === null ? '' : `، ساخته‌شده ${f.duration(p.ageSeconds)} پیش`}`,
    planUndo: (p, f) => `برگرداندن: تعداد replicaهای ${SERVICE_KIND[p.kind]} ${f.code(p.name)} از ${f.num(p.from)} دوباره به ${f.num(p.to)}`,
    scaledLine: (p, f) => `${f.code(p.name)}: تعداد replicaها از ${f.num(p.from)} به ${f.num(p.to)} رسید${p.reason ? ` (${p.reason})` : ''}`,
    buttonScale: (p, f) => `کم کردن ${f.num(p.count)} مورد اضافه`,
    buttonUndo: 'برگرداندن',
    undoOffer: (p, f) =>
      `«برگرداندن» ${f.list(p.services.map((s) => `${f.code(s.name)} را به ${f.num(s.to)} replica`))} برمی‌گرداند. مانند خود اقدام، به تأیید یک تأییدکننده نیاز دارد؛ تا ${p.at} در دسترس است.`,
    undoHint: (p, f) => `برای برگرداندن: ${f.code(p.command)} (تا ${p.at}).`,
    converged: (p, f) =>
      `پس از ${f.duration(p.seconds)} به وضعیت خواسته رسید: ${scaleStates(p.services, f)}${p.connections === null ? '' : `؛ اتصال‌های برنامه روی ${f.num(p.connections)} ثابت ماند`}.`,
    notConverged: (p, f) =>
      `پس از ${f.duration(p.seconds)} هنوز به وضعیت خواسته نرسیده است: ${scaleStates(p.services, f)}${p.connections === null ? '' : ` (برنامه ${f.num(p.connections)} اتصال دارد)`}. ارکستراتور هنوز در کار است یا نمی‌تواند taskها را جا بدهد: با ${f.code('dbpool status')} دوباره نگاه کنید.`,
    comparedWithUndone: (p) => `در مقایسه با ارقام پیش از کم کردن replicaها، یعنی وضعیتی که این برگرداندن به آن بازمی‌گردد (${p.at}):`,
    confirmTitle: 'مطمئن هستید؟',
    confirmYes: 'بله، انجام بده',
    confirmNo: 'انصراف',
    buttonTerminate: (p, f) => `بستن ${f.num(p.count)} نشست بیکار`,
    buttonStop: (p, f) => `توقف ${f.num(p.count)} نمونه‌ی اضافه`,
    buttonCancel: 'انصراف',
    ask: 'ادامه می‌دهید؟ [y/N] ',
    aborted: 'کاری انجام نشد.',
    noTerminal: 'ترمینالی برای پرسیدن نیست: برای تأیید --yes بدهید.',
    dryRun: 'اجرای آزمایشی: کاری انجام نشد.',
    expiresAt: (p) => `این طرح در ${p.at} منقضی می‌شود.`,
    refused: {
      unknown_plan: 'این اقدام ناشناخته است یا دستکاری شده: کاری انجام نشد.',
      expired: 'مهلت این اقدام گذشته است: دوباره بررسی کنید. کاری انجام نشد.',
      already_ran: 'این اقدام قبلاً اجرا شده (یا در حال اجراست): هیچ کاری دو بار انجام نمی‌شود.',
      cancelled: 'این اقدام لغو شده است: کاری انجام نشد.',
      not_approver: 'شما اجازه‌ی تأیید اقدام‌ها را ندارید: کاری انجام نشد.',
      requester_cannot_approve: 'قاعده‌ی دو نفره: کسی جز درخواست‌کننده باید تأیید کند. کاری انجام نشد.',
      read_only: 'dbpool در حالت فقط‌خواندنی است: اقدام‌ها خاموش‌اند. کاری انجام نشد.',
      hourly_cap: 'سقف اقدام‌های این ساعت پر شده است: کاری انجام نشد.',
      cannot_cancel: 'فقط درخواست‌کننده یا یک تأییدکننده می‌تواند این اقدام را لغو کند.',
      state_unavailable: 'انباره‌ی وضعیت dbpool در دسترس نیست و اقدام ثبت نمی‌شود: کاری انجام نشد.',
      shutting_down: 'dbpool در حال توقف است و کار تازه‌ای شروع نمی‌کند: کاری انجام نشد.',
      nothing_to_do: 'کاری لازم نیست: گزارش چیزی نشان نمی‌دهد که این اقدام به آن دست بزند.',
    },
    blind: 'طرحی نمی‌توان ساخت: dbpool آنچه این اقدام به آن وابسته است را نتوانست بخواند. کاری انجام نشد.',
    unread: (p, f) => `${f.code(p.source)}: ${failure(p.message, p.hint, f)}`,
    executionFailed: (p, f) => `اقدام شکست خورد: ${f.code(p.detail)}`,
    approvedBy: (p) => `تأییدشده توسط ${p.who} در ${p.at}`,
    cancelledBy: (p) => `لغوشده توسط ${p.who}`,
    session: {
      terminated: 'بسته شد',
      no_longer_idle: 'دیگر بیکار نیست، دست نخورد',
      gone: 'پیش‌تر بسته شده بود',
      not_permitted: 'اجازه‌ی بستن آن نیست',
      not_terminated: 'بسته نشد',
      error: 'خطا',
    },
    instance: { stopped: 'متوقف شد', killed: 'پس از مهلت به اجبار بسته شد', already_stopped: 'پیش‌تر متوقف شده بود', scaled: 'تعداد replicaهایش تغییر کرد', refused: 'در حال اجرا ماند', error: 'خطا' },
    instanceReason: {
      gone: 'دیگر در حال اجرا نیست یا دیگر نمونه‌ی برنامه نیست',
      replaced: 'اکنون نمونه‌ی دیگری این شناسه را دارد',
      below_expected: 'توقف آن تعداد نمونه‌ها را از تعداد مورد انتظار کمتر می‌کرد',
      no_stopper: 'dbpool راهی برای توقف این نوع نمونه ندارد',
      not_app: 'دیگر با الگوی برنامه جور نیست',
      unknown_engine: 'موتور Docker آن (یا خوشه و namespace آن در Kubernetes) پیکربندی نشده است',
      not_a_process: 'نمونه‌ی پردازه‌ای نیست',
      not_permitted: 'اجازه‌ی فرستادن سیگنال به آن نیست',
      still_running: 'هنوز در حال اجراست',
      no_such_container: 'چنین کانتینری وجود ندارد',
      no_answer: 'موتور به‌موقع پاسخ نداد',
      swarm_task: 'یک task از سرویس Swarm است: Swarm به‌جای آن یکی دیگر راه می‌اندازد، پس به‌جای توقف، تعداد replicaهای سرویس کم می‌شود',
      no_scaler: 'dbpool راهی برای تغییر تعداد replicaهای این نوع سرویس ندارد',
      global_service: 'سرویس global روی هر node یک task دارد و تعداد replica ندارد که تغییر کند',
      replicas_changed: 'تعداد replicaهای آن پس از ساختن طرح تغییر کرده است: دوباره بررسی کنید',
      already_at: 'از پیش همین تعداد را می‌خواست',
      failed: 'ناموفق بود',
    },
    sessionLine: (p, f) => `pid ${f.code(String(p.pid))}: ${p.outcome}${p.detail ? ` (${f.code(p.detail)})` : ''}`,
    instanceLine: (p, f) => `${f.code(p.name)}: ${p.outcome}${p.reason ? `: ${p.reason}` : ''}${p.detail ? ` (${f.code(p.detail)})` : ''}`,
    summary: (p, f) => `${f.num(p.done)} از ${f.num(p.total)} انجام شد.`,
    verifyTitle: 'پس از اقدام',
    beforeAfter: (p, f) =>
      `اتصال‌ها: پیش از اقدام ${p.before === null ? 'نامعلوم' : f.num(p.before)}، اکنون ${p.after === null ? 'نامعلوم' : f.num(p.after)}` +
      (p.usable === null ? '' : ` (از ${f.num(p.usable)} قابل استفاده)`),
    instancesBeforeAfter: (p, f) =>
      `نمونه‌های در حال اجرا: پیش از اقدام ${p.before === null ? 'نامعلوم' : f.num(p.before)}، اکنون ${p.after === null ? 'نامعلوم' : f.num(p.after)}`,
    workersStarted: (p, f) => `در لاگ از زمان اقدام: ${f.num(p.starts)} شروع worker و ${f.num(p.fullErrors)} خطای «سرور پر»`,
    verifySkipped: {
      shutdown: 'dbpool پیش از بررسی پس از اقدام متوقف شد: برای دیدن نتیجه دوباره status بگیرید.',
      failed: 'بررسی پس از اقدام ممکن نشد: برای دیدن نتیجه دوباره status بگیرید.',
    },
    reconciled: 'dbpool در میانه‌ی این اقدام متوقف شد؛ هنگام راه‌اندازی دوباره، هدف‌ها دوباره بررسی شدند:',
    auditTitle: 'سابقه‌ی اقدام‌ها (تازه‌ترین اول)',
    auditEmpty: 'هنوز چیزی ثبت نشده است.',
    auditLine: (p, f) => `${p.at}  ${f.code(p.event)}  ${f.code(p.action ?? '-')}  ${f.code(p.actor ?? '-')}  ${f.code(p.detail)}`,
  },
  cli: {
    usage: 'استفاده: dbpool <command> [options]   (dbpool help)',
    badArgument: (p) => `آرگومان نادرست: ${p.detail}`,
    configError: (p) => `خطای پیکربندی:\n${p.detail}`,
  },
  argument: {
    unknown_command: (p, f) => `فرمان ناشناخته: ${f.code(p.command)}`,
    unknown_option: (p, f) => `${f.code(p.command)}: گزینه‌ی ناشناخته ${p.options.map(f.code).join('، ')}`,
    required: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} لازم است`,
    range: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} باید عددی ${p.whole ? 'صحیح ' : ''}از ${f.num(p.min)} تا ${f.num(p.max)} باشد`,
    one_of: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} باید یکی از ${p.allowed.map(f.code).join('، ')} باشد`,
    too_many_arguments: (p, f) =>
      p.max === 0 ? `${f.code(p.command)} آرگومانی نمی‌گیرد` : `${f.code(p.command)} حداکثر ${f.num(p.max)} آرگومان می‌گیرد`,
    needs_value: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} مقدار می‌خواهد`,
    takes_no_value: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} مقداری نمی‌گیرد`,
    invalid: (p, f) => `${f.code(p.command)}: ${subject(p.subject, f)} معتبر نیست`,
    lone_dashes: (_p, f) => `${f.code('--')} به‌تنهایی گزینه نیست`,
    no_database: (_p, f) => `پایگاه داده‌ای پیکربندی نشده است: ${f.code('DATABASE_URL')} (یا متغیرهای ${f.code('PG*')}) را تنظیم کنید`,
    no_history: (_p, f) => `سابقه‌ای در دست نیست: برای ${f.code('DBPOOL_STATE_DIR')} پوشه‌ای نوشتنی تعیین کنید`,
    warn_below_crit: (p, f) => `${f.code(p.command)}: آستانه‌ی هشدار (${f.code('-w')}) باید پایین‌تر از آستانه‌ی بحرانی (${f.code('-c')}) باشد`,
    lang_is_slack_only: (_p, f) => `در خط فرمان زبان از ${f.code('--lang')} یا ${f.code('DBPOOL_LANG')} می‌آید؛ ${f.code('lang')} زبان هر کاربر را در Slack تعیین می‌کند`,
  },
  plugin: {
    connections: (p, f) => `${f.num(p.connections)} از ${f.num(p.usable)} اتصال قابل استفاده`,
    demand: (p, f) =>
      `نیاز ${f.num(p.demand)}${p.unknown > 0 ? '+' : ''} ${p.demand > p.capacity ? 'بیش از' : 'در حد'} ${f.num(p.capacity)} اتصال در دسترس`,
    unreachable: (p, f) => `${f.code(p.source)}: ${f.code(p.kind)} (${f.code(p.message)})`,
  },
  help: {
    title: 'dbpool: چرا اتصال‌های PostgreSQL تمام شده است؟',
    commands: {
      status: 'status — تشخیص کامل: اتصال‌ها، محاسبه‌ی pool، نمونه‌ها، یافته‌ها و راه‌حل‌ها',
      connections: 'connections — اتصال‌ها بر اساس وضعیت، برنامه، کاربر و کلاینت',
      instances: 'instances — نمونه‌های پیداشده‌ی برنامه با عمر و image',
      workers: 'workers — پردازه‌های worker و خطوط لاگ هر نمونه',
      config: 'config — DB_POOL_SIZE و SWOOLE_WORKER_NUM هر نمونه',
      idle: 'idle [minutes] — نشست‌هایی که بیش از N دقیقه بیکارند (پیش‌فرض ۱۰)',
      math: 'math --workers 4 --pool 30 --instances 2 --max-connections 200 — ماشین‌حساب فرضی (اگر poolها جا شوند با کد ۰ و اگر نه با ۱ تمام می‌شود)',
      check: 'check [-w 75%] [-c 90%] — وضعیت در یک خط افزونه‌ی Nagios/Icinga همراه با perfdata',
      'terminate-idle': 'terminate-idle [--minutes N] [--yes] [--dry-run] — بستن نشست‌های بیکار، پس از تأیید',
      'stop-extra': 'stop-extra [--yes] [--dry-run] — توقف نمونه‌های اضافه‌ی قدیمی‌تر (یا کم کردن replicaهای سرویس Swarm)، پس از تأیید',
      undo: 'undo <id> [--yes] [--dry-run] — برگرداندن تعداد replicaهای سرویسی که stop-extra کم کرده بود، پس از تأیید',
      audit: 'audit [--limit N] — آخرین درخواست‌ها، تأییدها، ردها و نتیجه‌ها',
      summary: 'summary — ۲۴ ساعت گذشته: اوج، p95، زمان بالای آستانه‌ها، ردها و اقدام‌ها',
      lang: 'lang fa|en — زبان گزارش‌های شما',
      help: 'help — همین راهنما',
    },
    options: 'گزینه‌ها: --lang fa|en، --json (CLI)، --minutes N (idle)، --reserved N، --task-workers N، --other N (math)',
  },  slack: {
    checking: (p, f) => `:hourglass_flowing_sand: در حال بررسی ${f.code(p.command)}…`,
    notAllowed: 'شما اجازه‌ی استفاده از dbpool را در اینجا ندارید: چیزی اجرا نشد. از مسئول کشیک بخواهید کاربر شما یا این کانال را اضافه کند.',
    langSet: 'گزارش‌های شما از این پس به فارسی خواهد بود.',
    badAction: 'این دکمه ناشناخته است یا دستکاری شده است: چیزی اجرا نشد.',
    notInChannel: 'dbpool نمی‌تواند در این گفت‌وگو پیام بفرستد: نخست آن را دعوت کنید (`/invite @dbpool`).',
    failed: 'هنگام آماده کردن گزارش خطایی رخ داد: چیزی تغییر نکرد. جزئیات در لاگ dbpool است.',
    reportRefused: (p, f) => `گزارش را نمی‌توان اینجا نشان داد: Slack آن را نپذیرفت (${f.code(p.error)}). چیزی تغییر نکرد؛ \`dbpool status\` در ترمینال همین گزارش را می‌دهد.`,
    approvalHint: (p) => `درخواست از ${p.user}. تا یک تأییدکننده «تأیید» را نزند و آن را قطعی نکند، کاری انجام نمی‌شود.`,
    buttonApprove: 'تأیید',
    buttonMute: 'بی‌صدا برای ۱ ساعت',
    muted: (p) => `هشدارهای زودهنگام تا ${p.until} بی‌صدا هستند.`,
    running: 'در حال اجرا…',
    buttonRefresh: 'تازه‌سازی',
    buttonIdle: 'نشست‌های بیکار',
    buttonInstances: 'نمونه‌ها',
    buttonSwitchLanguage: 'English',
    requestedBy: (p, f) => `${p.user} فرمان ${f.code(p.command)} را خواست`,
  },
  summary: {
    title: (p) => `خلاصه‌ی روزانه‌ی اتصال‌ها، ${p.date}`,
    headline: {
      OK: 'روزی آرام: درصد استفاده زیر خط هشدار ماند.',
      WARN: 'در ۲۴ ساعت گذشته درصد استفاده از خط هشدار گذشت (یا نمونه‌های اضافه اجرا شدند).',
      CRIT: 'در ۲۴ ساعت گذشته درصد استفاده به خط بحرانی رسید یا سرور اتصال‌ها را رد کرد.',
      UNKNOWN: 'برای ۲۴ ساعت گذشته داده‌ای نیست: dbpool نتوانست از سرور نمونه‌برداری کند.',
    },
    section: { usage: '۲۴ ساعت گذشته', refusals: 'اتصال‌های ردشده', instances: 'نمونه‌ها', poolNow: 'محاسبه‌ی pool در این لحظه', actions: 'اقدام‌های انجام‌شده', change: 'در مقایسه با روز پیش' },
    peak: (p, f) => `بیشینه ${f.num(p.connections)} اتصال${p.usable === null ? '' : ` از ${f.num(p.usable)} اتصال قابل استفاده`}، در ${p.at}`,
    utilization: (p, f) => `درصد استفاده: میانگین ${f.percent(p.avg)}، صدک ۹۵ ${f.percent(p.p95)}`,
    aboveThresholds: (p, f) => `${f.duration(p.warnMinutes * 60)} بالای ${f.percent(p.warn)}، ${f.duration(p.critMinutes * 60)} بالای ${f.percent(p.crit)}`,
    withoutData: (p, f) => `${f.num(p.minutes)} دقیقه بدون داده (در این ارقام حساب نشده)`,
    noData: 'در ۲۴ ساعت گذشته هیچ نمونه‌برداری موفقی نیست.',
    refusals: (p, f) => `سرور اتصال‌ها را رد کرد: در ${f.num(p.samples)} نمونه‌برداری، و ${f.num(p.logLines)} سطر «سرور پر است» در لاگ برنامه`,
    noRefusals: 'در ۲۴ ساعت گذشته هیچ اتصال ردشده‌ای ثبت نشد (نه به دست dbpool و نه در لاگ‌های برنامه).',
    instances: (p, f) => (p.min === p.max ? `${f.num(p.max)} نمونه در تمام روز` : `از ${f.num(p.min)} تا ${f.num(p.max)} نمونه`),
    extraInstances: (p, f) => `تا ${f.num(p.extra)} نمونه‌ی اضافه هم‌زمان در حال اجرا ${f.plural(p.extra, { one: 'بود', other: 'بودند' })}`,
    instancesUnknown: 'در ۲۴ ساعت گذشته تعداد نمونه‌ها ثبت نشد.',
    poolNow: (p, f) => {
      const capacity = p.capacity === null ? '' : ` در برابر ${f.num(p.capacity)} اتصال باقی‌مانده برای برنامه (${f.num(p.usable ?? 0)} قابل استفاده)`;
      const unknown = p.unknown > 0 ? `، ${f.num(p.unknown)} نمونه‌ی نامعلوم` : '';
      const headroom = p.headroom === null ? '' : p.headroom >= 0 ? `، ظرفیت باقی‌مانده ${f.num(p.headroom)}` : `، کمبود ${f.num(-p.headroom)}`;
      return `poolهای پر ${f.num(p.demand)} اتصال می‌خواهند${capacity}${unknown}${headroom}`;
    },
    poolNowUnavailable: 'محاسبه‌ی pool اکنون ممکن نشد (سرور در دسترس نیست).',
    pgbouncerNow: (p, f) =>
      `PgBouncer ${f.code(p.address)}: ${f.num(p.clients)} کلاینت از ${f.code('max_client_conn')} ${f.num(p.max)}` +
      (p.demand === null ? '' : ` (poolهای پر برنامه ${f.num(p.demand)})`) +
      (p.waiting > 0 ? `، ${f.num(p.waiting)} در انتظار` : '') +
      `؛ poolهای سرور تا ${f.num(p.servers)}${p.capacity === null ? '' : ` از ${f.num(p.capacity)} اتصال در دسترس در PostgreSQL`}`,
    pgbouncerNowUnread: (p, f) => `PgBouncer ${f.code(p.address)} اکنون خوانده نشد.`,
    action: (p, f) => `${p.at}: ${f.code(p.action)}${p.actor ? ` با تأیید ${p.actor}` : ''}${p.ok ? '' : ' (ناموفق)'}`,
    noActions: 'هیچ اقدام اصلاحی اجرا نشد.',
    changePeak: (p, f) => `بیشینه ${p.delta >= 0 ? '+' : '−'}${f.num(Math.abs(p.delta))} اتصال`,
    changeUtilization: (p, f) => `میانگین ${p.avgPoints >= 0 ? '+' : '−'}${f.num(Math.abs(p.avgPoints))} واحد درصد، صدک ۹۵ ${p.p95Points >= 0 ? '+' : '−'}${f.num(Math.abs(p.p95Points))} واحد درصد`,
    changeWarnMinutes: (p, f) => `زمان بالای خط هشدار ${p.delta >= 0 ? '+' : '−'}${f.duration(Math.abs(p.delta) * 60)}`,
    noPrevious: 'برای روز پیش داده‌ای برای مقایسه نیست.',
    sparkline: (p, f) => `اتصال‌ها در ۲۴ ساعت (مقیاس ۰ تا ${f.num(p.max)}): ${p.line}`,
    chartTitle: (p) => `اتصال‌ها، ۲۴ ساعت تا ${p.date}`,
    chartConnections: 'اتصال‌ها',
    chartCapacity: 'اتصال‌های قابل استفاده',
    chartWarn: (p, f) => `هشدار (${f.percent(p.percent)})`,
    chartCrit: (p, f) => `بحرانی (${f.percent(p.percent)})`,
    chartRefusals: 'اتصال‌های ردشده',
    chartExtraInstances: 'نمونه‌ی اضافه‌ی برنامه در حال اجرا',
  },
  warning: {
    opened: (p, f) => `${p.severity === 'crit' ? ':rotating_light: بحرانی' : ':warning: هشدار'}: درصد استفاده از اتصال‌ها ${f.percent(p.utilization)} است (آستانه ${f.percent(p.threshold)}).`,
    escalated: (p, f) => `:rotating_light: اکنون بحرانی: درصد استفاده ${f.percent(p.utilization)} (آستانه ${f.percent(p.threshold)}).`,
    relapsed: (p, f) => `${p.severity === 'crit' ? ':rotating_light: بحرانی' : ':warning: هشدار'}، دوباره: درصد استفاده ${f.percent(p.utilization)} (آستانه ${f.percent(p.threshold)}).`,
    recovered: (p, f) => `:white_check_mark: به حالت عادی برگشت: درصد استفاده ${f.percent(p.utilization)}.`,
  },
};
