import type Docker from 'dockerode';

/**
 * The engine questions an observation asks, and nothing else: dockerode answers them for any
 * engine, SocketEngine (socket-engine.ts) for one on this host's unix socket. Shapes are the
 * Engine API's JSON, as dockerode returns it; errors carry statusCode and json as dockerode's do.
 */
export interface EngineReads {
  listContainers(options: { all: boolean; abortSignal?: AbortSignal }): Promise<Docker.ContainerInfo[]>;
  getContainer(id: string): ContainerReads;
  listServices(options: { abortSignal?: AbortSignal }): Promise<unknown>;
  listTasks(options: { filters: Record<string, string[]>; abortSignal?: AbortSignal }): Promise<unknown>;
  listNodes(options: { abortSignal?: AbortSignal }): Promise<unknown>;
  ping(options: { abortSignal?: AbortSignal }): Promise<unknown>;
}

export interface ContainerReads {
  inspect(options: { abortSignal?: AbortSignal }): Promise<Docker.ContainerInspectInfo>;
  top(options: { ps_args: string; abortSignal?: AbortSignal }): Promise<unknown>;
  /** Not followed: the whole answer, stdout and stderr multiplexed (no TTY) or raw (TTY). */
  logs(options: { stdout: true; stderr: true; timestamps: boolean; tail: number; since: number; follow: false; abortSignal?: AbortSignal }): Promise<Buffer>;
  exec(options: { Cmd: string[]; AttachStdout: true; AttachStderr: true; abortSignal?: AbortSignal }): Promise<ExecReads>;
}

export interface ExecReads {
  start(options: { Detach: false; Tty: false; abortSignal?: AbortSignal }): Promise<NodeJS.ReadableStream>;
  inspect(options: { abortSignal?: AbortSignal }): Promise<{ ExitCode: number | null }>;
}

/** dockerode's client seen through the questions above (its typings overload each with callbacks). */
export function dockerodeReads(docker: Docker): EngineReads {
  return docker as unknown as EngineReads;
}
