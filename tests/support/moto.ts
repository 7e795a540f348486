import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';

/** moto's S3-compatible server from the project venv (CI installs moto[server] there). */
export const MOTO_SERVER_BIN = path.resolve(__dirname, '../../.venv/bin/moto_server');

export interface MotoServer {
  endpoint: string;
  stop(): Promise<void>;
}

export function motoAvailable(): boolean {
  return existsSync(MOTO_SERVER_BIN);
}

/** Starts moto on a free port and resolves once it accepts connections; retries if the port was taken. */
export async function startMoto(timeoutMs = 60_000): Promise<MotoServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const child = spawn(MOTO_SERVER_BIN, ['-H', '127.0.0.1', '-p', String(port)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (d: Buffer) => (output = (output + d.toString()).slice(-4000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    try {
      await waitForPort(port, child, Date.now() + timeoutMs);
      return { endpoint: `http://127.0.0.1:${port}`, stop: () => stopChild(child) };
    } catch (err) {
      await stopChild(child);
      lastError = new Error(`moto_server failed on port ${port}: ${(err as Error).message}\n${output}`);
    }
  }
  throw lastError;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port: number, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error('exited before listening');
    if (await canConnect(port)) return;
    // Poll interval between readiness probes, not a guess at start-up time.
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('did not start listening in time');
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
