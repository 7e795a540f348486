import 'server-only';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { KILL_GRACE_MS } from '../process';

/**
 * The command's pid and command line, recorded so that the next attempt of the job (after this worker died) can stop
 * a command it left behind. The command line is compared before any signal, so a recycled pid is never killed; the
 * signal goes to the process group (the command was spawned detached, as its own group leader).
 */
export function recordCommand(file: string, pid: number): void {
  fs.writeFileSync(file, JSON.stringify({ pid, cmdline: cmdline(pid) }));
}

function cmdline(pid: number): string | null {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return null; // no /proc (macOS): only "the process exists" can be checked
  }
}

function same(pid: number, recorded: string | null): boolean {
  const now = cmdline(pid);
  if (now !== null || recorded !== null) return now !== null && now === recorded;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const signalGroup = (pid: number, signal: NodeJS.Signals) => {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
};

/** Stops the recorded command if it still runs; true when there was one to stop. */
export async function killRecordedCommand(file: string, graceMs = KILL_GRACE_MS): Promise<boolean> {
  let rec: { pid?: unknown; cmdline?: unknown };
  try {
    rec = JSON.parse(fs.readFileSync(file, 'utf8')) as typeof rec;
  } catch {
    return false;
  }
  const pid = Number(rec.pid);
  const recorded = typeof rec.cmdline === 'string' ? rec.cmdline : null;
  if (!Number.isInteger(pid) || pid <= 1 || !same(pid, recorded)) return false;
  signalGroup(pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs && same(pid, recorded); waited += 100) await sleep(100);
  if (same(pid, recorded)) signalGroup(pid, 'SIGKILL');
  return true;
}
