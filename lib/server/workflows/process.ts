import 'server-only';
import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

/** How long a trainer gets to exit after SIGTERM before its whole process group is SIGKILLed. */
export const KILL_GRACE_MS = 5_000;

function signalGroup(pid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false; // already gone
  }
}

/** SIGTERM to the child's process group, SIGKILL after the grace period if it is still there. */
export async function killProcessGroup(child: ChildProcess, graceMs = KILL_GRACE_MS): Promise<void> {
  if (!child.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  if (!signalGroup(child.pid, 'SIGTERM')) return;
  const timer = sleep(graceMs).then(() => 'timeout' as const);
  if ((await Promise.race([exited.then(() => 'exited' as const), timer])) === 'timeout') signalGroup(child.pid, 'SIGKILL');
}

function isTrainer(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('tumorwatch_train');
  } catch {
    // No /proc (macOS): fall back to "the process exists".
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/**
 * Stops a trainer recorded in a pid file by a worker that has since died (its process group outlives it). The
 * command line is checked first so that a recycled pid is never killed.
 */
export async function killRecordedTrainer(pidFile: string, graceMs = KILL_GRACE_MS): Promise<boolean> {
  const pid = Number(fs.existsSync(pidFile) ? fs.readFileSync(pidFile, 'utf8').trim() : NaN);
  if (!Number.isInteger(pid) || pid <= 1 || !isTrainer(pid)) return false;
  signalGroup(pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs && isTrainer(pid); waited += 100) await sleep(100);
  if (isTrainer(pid)) signalGroup(pid, 'SIGKILL');
  fs.rmSync(pidFile, { force: true });
  return true;
}
