/**
 * The real app for the scenario: `next start` (the production build in .next) on a free port, against the scenario's
 * database and blob folder, with its inline job worker (WORKER_MODE=inline) serving, training and evaluating.
 * Its output goes to <dataDir>/server.log. Stopped by process group, so the trainer it may have spawned goes too.
 */
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

export interface AppServer {
  url: string;
  pid: number | null;
  stop(): Promise<void>;
}

/** Process groups of running app servers: killed on any exit of the scenario, a crash included. */
const live = new Set<number>();
process.once('exit', () => {
  for (const pgid of live) {
    try {
      process.kill(-pgid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** `next start` needs a production build; the scenario never builds implicitly on a shared machine unless asked. */
export function hasProductionBuild(root: string): boolean {
  return fs.existsSync(path.join(root, '.next', 'BUILD_ID'));
}

async function waitUntilUp(url: string, child: ChildProcess, logFile: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode}; see ${logFile}`);
    try {
      const res = await fetch(new URL('/login', url), { redirect: 'manual' });
      if (res.status < 500) return;
    } catch {
      // not listening yet
    }
    await sleep(500);
  }
  throw new Error(`the app did not answer at ${url} within ${timeoutMs / 1000} s; see ${logFile}`);
}

export async function startAppServer(opts: {
  root: string;
  env: Record<string, string | undefined>;
  logFile: string;
  port?: number;
}): Promise<AppServer> {
  const port = opts.port ?? (await freePort());
  const url = `http://localhost:${port}`;
  const log = fs.openSync(opts.logFile, 'a');
  const child = spawn(process.execPath, [path.join(opts.root, 'node_modules/next/dist/bin/next'), 'start', '-p', String(port)], {
    cwd: opts.root,
    env: { ...opts.env, NEXTAUTH_URL: url, PORT: String(port) } as unknown as NodeJS.ProcessEnv,
    stdio: ['ignore', log, log],
    detached: true, // its own process group: stop() reaches the trainer and anything else it spawned
  });
  fs.closeSync(log);
  if (child.pid) live.add(child.pid);
  let stopped = false;
  const stop = async () => {
    if (stopped || child.exitCode !== null || !child.pid) return;
    stopped = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const killed = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
    if (!killed) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    live.delete(child.pid);
  };
  try {
    await waitUntilUp(url, child, opts.logFile, 120_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { url, pid: child.pid ?? null, stop };
}
