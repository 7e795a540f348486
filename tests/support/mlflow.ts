import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './orthanc';

/**
 * A private MLflow tracking server (the pinned `mlflow` of .venv-mlflow, made by scripts/mlflow-env.sh) for the
 * tests: a SQLite backend store and a local artefact root in a temp folder, proxied artefacts (--serve-artifacts), a
 * free loopback port. stop() ends it; start() again serves the same store on the same port (the kill/restart tests).
 */
export interface TestMlflow {
  url: string;
  dir: string;
  /** the REST API, JSON in and out (the tests' own reads, independent of lib/server/mlflow/client.ts) */
  api<T = unknown>(method: string, route: string, body?: unknown): Promise<T>;
  /** SIGKILL: the server dies without cleaning up */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export const MLFLOW_BIN = path.resolve('.venv-mlflow/bin/mlflow');

export function mlflowAvailable(): string | null {
  return fs.existsSync(MLFLOW_BIN) ? null : `${MLFLOW_BIN} is missing: run bash scripts/mlflow-env.sh (scripts/test.sh does)`;
}

/**
 * A migrated, empty backend store kept beside the temp folders, per pinned MLflow (.venv-mlflow's stamp): a new server
 * starts from a copy of it instead of creating and migrating its tables again.
 */
function storeTemplate(): string {
  const stamp = path.resolve('.venv-mlflow/.requirements.sha256');
  const pin = fs.existsSync(stamp) ? fs.readFileSync(stamp, 'utf8').trim().slice(0, 16) : 'unpinned';
  return path.join(os.tmpdir(), `tw-mlflow-store-${pin}.db`);
}

function keepTemplate(db: string, template: string) {
  if (fs.existsSync(template)) return;
  const partial = `${template}.${process.pid}`;
  fs.copyFileSync(db, partial);
  fs.renameSync(partial, template); // atomic: a parallel run sees the whole file or none
}

/**
 * The test server's environment: MLflow's own job runner (a second Python process importing MLflow, for its GenAI
 * jobs) is off; the mirror never uses it, and on a small machine it doubles the start-up time.
 */
const SERVER_ENV = { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' };

export async function startMlflow(): Promise<TestMlflow> {
  const missing = mlflowAvailable();
  if (missing) throw new Error(missing);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-mlflow-'));
  const template = storeTemplate();
  if (fs.existsSync(template)) fs.copyFileSync(template, path.join(dir, 'mlflow.db'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | null = null;
  const start = async () => {
    const log = fs.openSync(path.join(dir, 'mlflow.log'), 'a');
    child = spawn(
      MLFLOW_BIN,
      [
        'server',
        '--host',
        '127.0.0.1',
        '--port',
        String(port),
        '--workers',
        '1',
        '--backend-store-uri',
        `sqlite:///${dir}/mlflow.db`,
        '--artifacts-destination',
        path.join(dir, 'artifacts'),
      ],
      { cwd: dir, env: SERVER_ENV, stdio: ['ignore', log, log], detached: true },
    );
    fs.closeSync(log);
    await waitReady(url, child, dir);
  };
  // the server is a process group (uvicorn/gunicorn workers): signal the whole group
  const signal = async (sig: NodeJS.Signals) => {
    const c = child;
    child = null;
    if (!c || c.exitCode !== null || !c.pid) return;
    const exited = new Promise((r) => c.once('exit', r));
    try {
      process.kill(-c.pid, sig);
    } catch {
      /* already gone */
    }
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  };
  const api = async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${url}${route}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`MLflow ${method} ${route}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : null) as T;
  };
  await start();
  keepTemplate(path.join(dir, 'mlflow.db'), template); // nothing has been written yet: the tables only
  return {
    url,
    dir,
    api,
    start,
    kill: () => signal('SIGKILL'),
    stop: async () => {
      await signal('SIGTERM');
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitReady(url: string, child: ChildProcess, dir: string) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`mlflow server exited (${child.exitCode}): ${tail(dir)}`);
    try {
      const res = await fetch(`${url}/health`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`mlflow server did not answer within 90 s: ${tail(dir)}`);
}

const tail = (dir: string) => fs.readFileSync(path.join(dir, 'mlflow.log'), 'utf8').slice(-2000);
