import { existsSync } from 'node:fs';
import type { Config } from './config.js';
import type { InstanceSource } from './core/facts.js';
import type { CommandContext } from './commands/command-table.js';
import type { Logger } from './logger.js';
import { createDockerInstanceSources } from './probes/docker/docker-instance-source.js';
import { createPostgresProbe, type PostgresProbe } from './probes/postgres/postgres-probe.js';
import { createProcessInstanceSource } from './probes/processes/process-instance-source.js';

/** The long-lived parts every front end shares: one monitoring connection, the instance sources. */
export interface Services {
  context: CommandContext;
  postgres: PostgresProbe | null;
  instanceSources: InstanceSource[];
  close(): Promise<void>;
}

export interface ServiceOptions {
  now?: () => Date;
  /** Replaces the configured instance sources (tests, the demo). */
  instanceSources?: InstanceSource[];
}

export function createServices(config: Config, logger: Logger, options: ServiceOptions = {}): Services {
  const now = options.now ?? (() => new Date());
  const postgres = config.postgres
    ? createPostgresProbe(config.postgres, {
        logger: logger.child({ component: 'postgres' }),
        appDbUser: config.app.dbUser,
        appApplicationName: config.app.applicationName,
      })
    : null;
  postgres?.start();
  const instanceSources = options.instanceSources ?? instanceSourcesFor(config, logger);
  return {
    postgres,
    instanceSources,
    context: {
      config,
      now,
      sources: postgres
        ? { postgres, instanceSources, now, sourceTimeoutMs: config.probes.timeoutMs * 2 }
        : null,
    },
    close: async () => {
      await postgres?.close();
    },
  };
}

const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** `auto` uses Docker where an engine is configured or its socket exists, local processes otherwise. */
export function instanceSourcesFor(config: Config, logger: Logger): InstanceSource[] {
  const kind =
    config.app.instanceSource === 'auto'
      ? config.app.dockerHosts.length > 0 || existsSync(DEFAULT_DOCKER_SOCKET)
        ? 'docker'
        : 'process'
      : config.app.instanceSource;
  if (kind === 'none') return [];
  if (kind === 'process') return [createProcessInstanceSource(config.app)];
  return createDockerInstanceSources(config, logger.child({ component: 'docker' }));
}
