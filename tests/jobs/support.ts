import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterEach } from 'vitest';
import { createQueue, type JobQueue, type QueueOptions } from '@/lib/server/jobs';

export const repoRoot = path.resolve(__dirname, '../..');

/** Fast settings for tests: short polls, leases and grace, so recovery happens within seconds. */
export const FAST: QueueOptions = { pollMs: 50, leaseMs: 1_500, sweepMs: 200, graceMs: 2_000 };

/** Queues created through this are stopped after each test (pg-boss pools closed, pollers ended). */
export function useQueues() {
  const queues: JobQueue[] = [];
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((q) => q.stop()));
  });
  return (options: QueueOptions = {}) => {
    const queue = createQueue({ ...FAST, ...options });
    queues.push(queue);
    return queue;
  };
}

export interface Child {
  process: ChildProcess;
  output: () => string;
  exited: Promise<number | string | null>;
}

/**
 * Spawns a TypeScript entry the way `npm run worker` runs it, sharing this test's database. Node loads tsx as a hook
 * (`--import tsx`) rather than through the tsx CLI, which would run the script in a grandchild: SIGKILL must reach the
 * process that runs the jobs.
 */
export function spawnTsx(entry: string, args: string[], env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=react-server', entry, ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  child.stderr?.on('data', (d) => (out += d));
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  return { process: child, output: () => out, exited };
}
