import type { InstanceOutcome, InstanceStopper } from '../../actions/executors.js';
import type { StopCandidate } from '../../core/stop-candidates.js';

/** The runbook's `kill [PID]`: SIGTERM to the instance's master, SIGKILL after the grace period. */
export function createProcessStopper(): InstanceStopper {
  return {
    source: 'process',
    async stop(candidate: StopCandidate, graceSeconds: number): Promise<InstanceOutcome> {
      const pid = Number(/^pid:(\d+)$/.exec(candidate.id)?.[1]);
      const base = { id: candidate.id, name: candidate.name };
      if (!Number.isInteger(pid) || pid <= 1) return { ...base, outcome: 'refused', reason: 'not_a_process' };
      try {
        process.kill(pid, 'SIGTERM');
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ESRCH') return { ...base, outcome: 'already_stopped' };
        return code === 'EPERM' ? { ...base, outcome: 'error', reason: 'not_permitted' } : { ...base, outcome: 'error', reason: 'failed', detail: String(err) };
      }
      if (await exited(pid, graceSeconds * 1000)) return { ...base, outcome: 'stopped' };
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        return { ...base, outcome: 'stopped' };
      }
      return (await exited(pid, 5000)) ? { ...base, outcome: 'killed' } : { ...base, outcome: 'error', reason: 'still_running' };
    },
  };
}

async function exited(pid: number, withinMs: number): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    try {
      process.kill(pid, 0);
    } catch {
      return true;
    }
    if (Date.now() >= deadline) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}
