import type { Recommendation } from './recommendations.js';
import { kubectl } from './rollouts.js';
import type { ServiceGroup } from './services.js';
import type { StopCandidate } from './stop-candidates.js';

/**
 * The runbook's fix 3 in the terms of whatever manages each extra instance, so that the fix sticks:
 * a Swarm service is scaled (`docker service scale`), never its task containers stopped (Swarm
 * would replace them within seconds); a container is stopped, with what would start it again said
 * and the line that prevents it shown (Compose's `up`, a restart policy `always`).
 */
export function stopRecommendations(candidates: StopCandidate[], services: ServiceGroup[] = []): Recommendation[] {
  const out: Recommendation[] = [];
  // The services that stay: "php_swoole_app beside php_swoole_app_new".
  const beside = services.filter((g) => g.kind !== 'compose' && g.running > 0 && !candidates.some((c) => c.scale && c.id === g.id)).map((g) => g.name);
  for (const c of candidates) {
    if (!c.scale) continue;
    out.push({
      code: 'scale_down_service',
      params: { kind: c.scale.kind, service: c.name, from: c.scale.from, to: c.scale.to, beside },
      commands: [{ lang: 'shell', text: scaleCommand(c.scale.kind, c.name, c.scale.to, c.id) }],
      action: 'stop_extra',
    });
  }
  const stopped = candidates.filter((c) => !c.scale);
  if (stopped.length === 0) return out;
  const commands: Recommendation['commands'] = [];
  for (const c of stopped) {
    // Without this a daemon restart starts the stopped container again.
    if (c.source === 'docker' && c.restartPolicy === 'always') commands.push({ lang: 'shell', text: `docker update --restart=no ${c.name}` });
    commands.push({ lang: 'shell', text: stopCommand(c) });
  }
  const compose = composeServices(stopped);
  for (const s of compose) commands.push({ lang: 'yaml', text: composeLines(s) });
  const always = stopped.filter((c) => c.restartPolicy === 'always').map((c) => c.name);
  const unlessStopped = stopped.filter((c) => c.restartPolicy === 'unless-stopped').map((c) => c.name);
  out.push({
    code: 'stop_extra_instances',
    params: {
      candidates: stopped.map((c) => c.name),
      ...(compose.length > 0 ? { compose: compose.map(({ name, project, service, file }) => ({ name, project, service, file })) } : {}),
      ...(always.length > 0 ? { restartAlways: always } : {}),
      ...(unlessStopped.length > 0 ? { restartUnlessStopped: unlessStopped } : {}),
    },
    commands,
    action: 'stop_extra',
  });
  return out;
}

/** The orchestrator's own command; a Deployment's id is "namespace/name". */
export function scaleCommand(kind: NonNullable<StopCandidate['scale']>['kind'], name: string, replicas: number, id = name): string {
  if (kind === 'kubernetes') return kubectl(id.includes('/') ? id.slice(0, id.indexOf('/')) : 'default', `scale deployment/${name} --replicas=${replicas}`);
  return `docker service scale ${name}=${replicas}`;
}

function stopCommand(c: StopCandidate): string {
  if (c.source === 'docker') return `docker stop ${c.name}`;
  const pid = /^pid:(\d+)$/.exec(c.id)?.[1];
  return pid ? `kill ${pid}` : `kill <pid of ${c.name}>`;
}

interface ComposeService {
  name: string;
  project: string;
  service: string;
  file: string | null;
}

/** One entry per Compose service among the candidates (a service may have several containers). */
function composeServices(candidates: StopCandidate[]): ComposeService[] {
  const out: ComposeService[] = [];
  for (const c of candidates) {
    const k = c.compose;
    if (!k || out.some((s) => s.project === k.project && s.service === k.service)) continue;
    out.push({ name: c.name, project: k.project, service: k.service, file: k.configFiles[0] ?? null });
  }
  return out;
}

/** The lines of the compose file that keep `docker compose up` from starting the service again. */
function composeLines(s: ComposeService): string {
  return [
    `# ${s.file ?? 'docker-compose.yml'} (project ${s.project}): or remove the service`,
    'services:',
    `  ${s.service}:`,
    '    scale: 0',
  ].join('\n');
}
